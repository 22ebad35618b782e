import { createPrivateKey } from "node:crypto";
import { z } from "zod";
import { DEFAULT_OLLAMA_HOST, normalizeOllamaHost } from "../model/ollama/normalize-ollama-host.js";
import { DEFAULT_MODEL_REQUEST_LIMITS, modelRequestLimitsFromEnv, type ModelRequestLimits } from "../model/model-request-limits.js";
import { DEFAULT_SANDBOX_DISK_LIMITS, sandboxDiskLimitsFromEnv, type SandboxDiskLimits } from "../workspace/sandbox/sandbox-disk-limits.js";
import { DEFAULT_OPENAI_BASE_URL, normalizeOpenAiBaseUrl } from "../model/openai/normalize-openai-base-url.js";
import { canonicalModelSpec } from "./canonical-model-spec.js";

/**
 * The app's whole environment (DESIGN §3 "App environment"), validated once at start. Probot's
 * own variables keep Probot's names so one `.env` serves both. Every message says what is
 * expected; `readAppEnv` prefixes it with the variable and the value it got (secrets hidden).
 * A blank value counts as unset, as `.env` files and compose files often write `NAME=`.
 */

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export const SANDBOX_MODES = ["bwrap", "off"] as const;

/** Variables whose values never appear in messages or logs. */
export const SECRET_ENV_VARS: ReadonlySet<string> = new Set(["WEBHOOK_SECRET", "PRIVATE_KEY", "OPENAI_API_KEY", "GITHUB_CLIENT_SECRET", "LOCAL_AGENT_METRICS_TOKEN", "LOCAL_AGENT_REDIS_URL"]);

/** The Probot default that signs nothing: with it anyone can forge webhooks (security_anchors 5.1). */
const PROBOT_PLACEHOLDER_SECRET = "development";
const MODEL_FORMS = "ollama:<tag>, llamacpp:<url>, openai:<model>, replay:<file.jsonl> or sim:<profile>";

const blankIsUnset = (value: unknown): unknown => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** A variable that must be set, with the message shown when it is not. */
function required(missing: string) {
  return z.preprocess(blankIsUnset, z.string({ error: missing }));
}

function optional() {
  return z.preprocess(blankIsUnset, z.string().optional());
}

/** A whole number in a range, with a default. */
function wholeNumber(params: { min: number; max: number; fallback: number; meaning: string; defaultText?: string }) {
  const expected = `expected a whole number from ${params.min} to ${params.max} (${params.meaning}); the default is ${params.defaultText ?? params.fallback}`;
  return optional().transform((raw, ctx) => {
    if (raw === undefined) return params.fallback;
    const text = raw.trim();
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < params.min || value > params.max) {
      ctx.addIssue({ code: "custom", message: expected });
      return z.NEVER;
    }
    return value;
  });
}

/** A model request limit in seconds, read exactly as the model backends read it (so both agree). */
function modelSeconds(name: string, key: keyof Pick<ModelRequestLimits, "requestMs" | "idleMs">) {
  return optional().transform((raw, ctx) => {
    const read = modelRequestLimitsFromEnv({ [name]: raw });
    if (!read.ok) {
      ctx.addIssue({ code: "custom", message: `expected a positive number of seconds; the default is ${DEFAULT_MODEL_REQUEST_LIMITS[key] / 1000}` });
      return z.NEVER;
    }
    return read.limits[key] / 1000;
  });
}

/** A sandbox disk limit in MB, read exactly as the sandbox runner reads it. */
function sandboxMb(name: string, key: keyof SandboxDiskLimits) {
  return optional().transform((raw, ctx) => {
    const read = sandboxDiskLimitsFromEnv({ [name]: raw });
    if (!read.ok) {
      ctx.addIssue({ code: "custom", message: `expected a whole number of megabytes; the default is ${DEFAULT_SANDBOX_DISK_LIMITS[key]}` });
      return z.NEVER;
    }
    return read.limits[key];
  });
}

function oneOf<const T extends readonly string[]>(values: T, fallback: T[number], meaning: string) {
  return optional().transform((raw, ctx): T[number] => {
    if (raw === undefined) return fallback;
    const value = values.find((candidate) => candidate === raw.trim().toLowerCase());
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: `expected ${meaning}` });
      return z.NEVER;
    }
    return value;
  });
}

/**
 * Probot's reading of PRIVATE_KEY (@probot/get-private-key): base64 of the .pem is decoded,
 * literal `\n` become newlines, a key pasted on one line is re-wrapped. Then node:crypto must
 * accept it, so a truncated paste fails at start instead of at the first token request.
 */
function normalizePrivateKey(raw: string): { ok: true; pem: string } | { ok: false; message: string } {
  let key = raw.trim();
  if (Buffer.from(key, "base64").toString("base64") === key) key = Buffer.from(key, "base64").toString("utf8");
  key = key.replace(/\\n/g, "\n");
  const markers = /-----BEGIN ((?:RSA )?PRIVATE KEY)-----([\s\S]*?)-----END \1-----/.exec(key);
  if (!markers) {
    return {
      ok: false,
      message:
        "expected the contents of the .pem file from the GitHub App settings (-----BEGIN RSA PRIVATE KEY----- …), " +
        "with real newlines, literal \\n or base64-encoded; or set PRIVATE_KEY_PATH to the file instead",
    };
  }
  const [, kind = "", body = ""] = markers;
  const pem = `-----BEGIN ${kind}-----\n${body.trim().replace(/\s+/g, "\n")}\n-----END ${kind}-----\n`;
  try {
    createPrivateKey(pem);
  } catch (error) {
    return {
      ok: false,
      message: `the PEM block does not parse as a private key (${error instanceof Error ? error.message : String(error)}); copy the whole .pem file again, or set PRIVATE_KEY_PATH instead`,
    };
  }
  return { ok: true, pem };
}

export const AppEnvSchema = z
  .object({
    /** The GitHub App's numeric ID (app settings page, "App ID"). */
    APP_ID: required("expected the numeric App ID from the GitHub App's settings page, e.g. APP_ID=123456").transform((raw, ctx) => {
      const text = raw.trim();
      if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
        ctx.addIssue({ code: "custom", message: "expected the numeric App ID from the GitHub App's settings page, e.g. APP_ID=123456" });
        return z.NEVER;
      }
      return Number(text);
    }),
    /** The app's private key itself (PEM; literal `\n` and base64 accepted, as Probot does). Wins over PRIVATE_KEY_PATH. */
    PRIVATE_KEY: optional().transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const key = normalizePrivateKey(raw);
      if (!key.ok) {
        ctx.addIssue({ code: "custom", message: key.message });
        return z.NEVER;
      }
      return key.pem;
    }),
    /** Path to the app's private key file (.pem); read by the app at start. */
    PRIVATE_KEY_PATH: optional().transform((raw) => raw?.trim()),
    /** The webhook secret set in the GitHub App settings; every delivery's signature is checked against it. */
    WEBHOOK_SECRET: required(
      `expected the webhook secret entered in the GitHub App settings (generate one with \`openssl rand -hex 32\`); without it Probot would accept events signed with the public secret "${PROBOT_PLACEHOLDER_SECRET}"`,
    ).refine((secret) => secret !== PROBOT_PLACEHOLDER_SECRET, {
      message: `this is Probot's public placeholder "${PROBOT_PLACEHOLDER_SECRET}", so anyone could forge webhooks; generate a real secret (\`openssl rand -hex 32\`) and set it here and in the GitHub App settings`,
    }),
    /** A smee.io channel that forwards webhooks to a machine GitHub cannot reach (development). */
    WEBHOOK_PROXY_URL: optional().transform((raw, ctx) => {
      if (raw === undefined) return null;
      if (!isHttpUrl(raw.trim())) {
        ctx.addIssue({ code: "custom", message: "expected an http(s) URL of a webhook proxy channel, e.g. https://smee.io/AbC123" });
        return z.NEVER;
      }
      return raw.trim();
    }),
    /** The model every job uses unless the repo config picks an allowlisted one. */
    LOCAL_AGENT_MODEL: required(`expected the model to run, one of ${MODEL_FORMS}, e.g. LOCAL_AGENT_MODEL=ollama:qwen2.5-coder:7b`).transform(
      (raw, ctx) => {
        const spec = canonicalModelSpec(raw);
        if (!spec.ok) {
          ctx.addIssue({ code: "custom", message: spec.message });
          return z.NEVER;
        }
        return spec.spec;
      },
    ),
    /** Where Ollama listens (Ollama's own variable and syntax); default http://127.0.0.1:11434. */
    OLLAMA_HOST: optional().transform((raw, ctx) => {
      const host = normalizeOllamaHost(raw);
      if (!isHttpUrl(host)) {
        ctx.addIssue({ code: "custom", message: "expected where Ollama listens, e.g. 127.0.0.1:11434 or http://gpu-box:11434" });
        return z.NEVER;
      }
      return host;
    }),
    /** The context window every model call asks for; unset: min(the model's, 32768). */
    LOCAL_AGENT_NUM_CTX: optional().transform((raw, ctx) => {
      if (raw === undefined) return null;
      const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < 512 || value > 1_048_576) {
        ctx.addIssue({ code: "custom", message: "expected a context window in tokens from 512 to 1048576 (num_ctx), e.g. 16384; unset, it is min(the model's, 32768)" });
        return z.NEVER;
      }
      return value;
    }),
    /** The OpenAI-compatible server `openai:<model>` talks to (its API root, usually ending in /v1). */
    OPENAI_BASE_URL: optional().transform((raw, ctx) => {
      try {
        return normalizeOpenAiBaseUrl(raw);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
    /** The key `openai:<model>` sends as a bearer token; most local servers need none. Never logged. */
    OPENAI_API_KEY: optional(),
    /** Folder for the job database and workspaces. */
    LOCAL_AGENT_DATA_DIR: optional().transform((raw) => raw?.trim() ?? "./data"),
    /** The issue label that starts a job (GitHub labels are at most 50 characters). */
    LOCAL_AGENT_LABEL: optional().transform((raw, ctx) => {
      const label = raw?.trim() ?? "local-agent";
      if (label.length > 50) {
        ctx.addIssue({ code: "custom", message: "expected a GitHub label name of at most 50 characters; the default is local-agent" });
        return z.NEVER;
      }
      return label;
    }),
    /**
     * The Redis queue (`redis://host:6379`) for more than one GPU box: webhooks become BullMQ
     * sessions that `local-agent worker` processes pull. Unset, the SQLite queue runs jobs here.
     */
    LOCAL_AGENT_REDIS_URL: optional().transform((raw, ctx) => {
      if (raw === undefined) return null;
      const text = raw.trim();
      if (!/^rediss?:\/\/[^\s]+$/.test(text)) {
        ctx.addIssue({ code: "custom", message: "expected a Redis URL such as redis://127.0.0.1:6379 (rediss:// for TLS)" });
        return z.NEVER;
      }
      return text;
    }),
    /** How long a session of a worker that stopped answering (killed, powered off) waits before another worker takes it over. */
    LOCAL_AGENT_STALL_SECONDS: wholeNumber({ min: 1, max: 3600, fallback: 30, meaning: "seconds before a dead worker's session is taken over" }),
    /** How many jobs run on the GPU at once. */
    LOCAL_AGENT_GPU_SLOTS: wholeNumber({ min: 1, max: 64, fallback: 1, meaning: "how many jobs share the GPU at once" }),
    /** How repo tests run: under bubblewrap, or on the host when explicitly turned off. */
    LOCAL_AGENT_SANDBOX: oneOf(
      SANDBOX_MODES,
      "bwrap",
      `"bwrap" (the default: tests run under bubblewrap, no network) or "off" (tests run on this machine unsandboxed: trusted repositories only)`,
    ),
    /** Comma-separated model specs a repository's `.github/local-agent.yml` may choose. */
    LOCAL_AGENT_MODEL_ALLOWLIST: optional().transform((raw, ctx) => {
      const specs: string[] = [];
      for (const [index, entry] of (raw ?? "").split(",").map((part) => part.trim()).entries()) {
        if (entry === "") continue;
        const spec = canonicalModelSpec(entry);
        if (!spec.ok) {
          ctx.addIssue({ code: "custom", message: `entry ${index + 1} ("${entry}"): ${spec.message}; expected comma-separated model specs` });
          continue;
        }
        if (!specs.includes(spec.spec)) specs.push(spec.spec);
      }
      return specs;
    }),
    /** The default turn limit of a run. */
    LOCAL_AGENT_MAX_TURNS: wholeNumber({ min: 1, max: 200, fallback: 40, meaning: "model turns per run" }),
    /** The wall-clock limit of a whole run, in minutes. */
    LOCAL_AGENT_TIMEOUT_MINUTES: wholeNumber({ min: 1, max: 24 * 60, fallback: 20, meaning: "minutes a run may take" }),
    /** The limit of one test command, in minutes. */
    LOCAL_AGENT_TEST_TIMEOUT_MINUTES: wholeNumber({ min: 1, max: 24 * 60, fallback: 10, meaning: "minutes one test run may take" }),
    /**
     * Where people reach this app (e.g. https://agent.example.com): pull requests and check runs
     * link to the dashboard there, and GitHub sign-in redirects back to it.
     */
    LOCAL_AGENT_PUBLIC_URL: optional().transform((raw, ctx) => {
      if (raw === undefined) return null;
      const text = raw.trim().replace(/\/+$/, "");
      if (!isHttpUrl(text) || new URL(text).search !== "" || new URL(text).hash !== "") {
        ctx.addIssue({ code: "custom", message: "expected the http(s) address people reach this app at, without a query, e.g. https://agent.example.com" });
        return z.NEVER;
      }
      return text;
    }),
    /** Days a finished run stays in the run store; 0 keeps every run. */
    LOCAL_AGENT_RETENTION_DAYS: wholeNumber({ min: 0, max: 36_500, fallback: 90, meaning: "days a finished run is kept; 0 keeps runs forever" }),
    /** The GitHub App's OAuth client id (Probot's name; its set-up page writes it), for dashboard sign-in. */
    GITHUB_CLIENT_ID: optional().transform((raw) => raw?.trim()),
    /** The GitHub App's OAuth client secret, for dashboard sign-in (never logged or shown). */
    GITHUB_CLIENT_SECRET: optional().transform((raw) => raw?.trim()),
    /** A bearer token that lets Prometheus scrape `/metrics` from another machine. */
    LOCAL_AGENT_METRICS_TOKEN: optional().transform((raw, ctx) => {
      if (raw === undefined) return null;
      if (raw.trim().length < 16) {
        ctx.addIssue({ code: "custom", message: "expected a random token of at least 16 characters (e.g. `openssl rand -hex 24`), sent by Prometheus as a bearer token" });
        return z.NEVER;
      }
      return raw.trim();
    }),
    /** The largest file a sandboxed command may write, MB (RLIMIT_FSIZE). */
    LOCAL_AGENT_SANDBOX_FILE_MB: sandboxMb("LOCAL_AGENT_SANDBOX_FILE_MB", "fileMb"),
    /** Disk the checkout may take after a sandboxed command, MB (.git excluded). */
    LOCAL_AGENT_SANDBOX_CHECKOUT_MB: sandboxMb("LOCAL_AGENT_SANDBOX_CHECKOUT_MB", "checkoutMb"),
    /** The longest one model request may take, in seconds (the run's own limit still applies). */
    LOCAL_AGENT_MODEL_TIMEOUT: modelSeconds("LOCAL_AGENT_MODEL_TIMEOUT", "requestMs"),
    /** Once a model reply has started, the longest it may go without new text, in seconds. */
    LOCAL_AGENT_MODEL_IDLE_TIMEOUT: modelSeconds("LOCAL_AGENT_MODEL_IDLE_TIMEOUT", "idleMs"),
    /**
     * The hard limit of one job, in minutes, whatever it waits on (a model server that stopped
     * answering, a hung checkout): the job is stopped, its GPU slot freed, and GitHub told why.
     */
    LOCAL_AGENT_JOB_DEADLINE_MINUTES: wholeNumber({ min: 2, max: 48 * 60, fallback: 0, meaning: "minutes one job may take in all, from checkout to pull request", defaultText: "60 (or the run and test limits plus 10, when longer)" }),
    /** pino log level. */
    LOG_LEVEL: oneOf(LOG_LEVELS, "info", `one of ${LOG_LEVELS.join(", ")}; the default is info`),
  })
  .superRefine((env, ctx) => {
    if (env.PRIVATE_KEY === undefined && env.PRIVATE_KEY_PATH === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          "PRIVATE_KEY and PRIVATE_KEY_PATH are both unset: set PRIVATE_KEY_PATH to the .pem file downloaded from the GitHub App settings, or PRIVATE_KEY to its contents",
      });
    }
    if ((env.GITHUB_CLIENT_ID === undefined) !== (env.GITHUB_CLIENT_SECRET === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [env.GITHUB_CLIENT_ID === undefined ? "GITHUB_CLIENT_ID" : "GITHUB_CLIENT_SECRET"],
        message: "dashboard sign-in needs both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the GitHub App's \"Client ID\" and a generated client secret); set both, or neither",
      });
    }
    const deadline = env.LOCAL_AGENT_JOB_DEADLINE_MINUTES;
    if (typeof deadline === "number" && deadline > 0 && typeof env.LOCAL_AGENT_TIMEOUT_MINUTES === "number" && deadline <= env.LOCAL_AGENT_TIMEOUT_MINUTES) {
      ctx.addIssue({
        code: "custom",
        path: ["LOCAL_AGENT_JOB_DEADLINE_MINUTES"],
        message: `expected more minutes than LOCAL_AGENT_TIMEOUT_MINUTES (${env.LOCAL_AGENT_TIMEOUT_MINUTES}): the job deadline must leave time for the checkout, the tests and the pull request after the agent's own limit`,
      });
    }
    // Run even when other variables are bad, so every problem is reported in one go.
  }, { when: () => true })
  .transform((env) => ({
    /** GitHub App ID. */
    appId: env.APP_ID,
    /** The private key as text (from PRIVATE_KEY), or the file to read it from (PRIVATE_KEY_PATH). */
    privateKey:
      env.PRIVATE_KEY !== undefined
        ? ({ source: "env", pem: env.PRIVATE_KEY } as const)
        : ({ source: "file", path: env.PRIVATE_KEY_PATH ?? "" } as const),
    /** Webhook secret (never log it). */
    webhookSecret: env.WEBHOOK_SECRET,
    /** smee.io channel, or null. */
    webhookProxyUrl: env.WEBHOOK_PROXY_URL,
    /** Canonical model spec (`ollama:<tag>`…). */
    model: env.LOCAL_AGENT_MODEL,
    /** Normalized Ollama base URL. */
    ollamaHost: env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST,
    /** num_ctx for every call, or null for the backend's default. */
    numCtx: env.LOCAL_AGENT_NUM_CTX,
    /** Normalized base URL of the OpenAI-compatible server. */
    openaiBaseUrl: env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL,
    /** Data folder, as given (relative paths are relative to the working directory). */
    dataDir: env.LOCAL_AGENT_DATA_DIR,
    /** The trigger label. */
    label: env.LOCAL_AGENT_LABEL,
    /** The Redis queue's URL, or null for the single-box SQLite queue. */
    redisUrl: env.LOCAL_AGENT_REDIS_URL,
    /** Seconds before a dead worker's session returns to the Redis queue. */
    stallSeconds: env.LOCAL_AGENT_STALL_SECONDS,
    /** GPU slots (bottleneck maxConcurrent). */
    gpuSlots: env.LOCAL_AGENT_GPU_SLOTS,
    /** Test sandbox. */
    sandbox: env.LOCAL_AGENT_SANDBOX,
    /** Canonical model specs repos may choose. */
    modelAllowlist: env.LOCAL_AGENT_MODEL_ALLOWLIST,
    /** Default max turns. */
    maxTurns: env.LOCAL_AGENT_MAX_TURNS,
    /** Run time limit, minutes. */
    timeoutMinutes: env.LOCAL_AGENT_TIMEOUT_MINUTES,
    /** Test command time limit, minutes. */
    testTimeoutMinutes: env.LOCAL_AGENT_TEST_TIMEOUT_MINUTES,
    /** Public base URL of the dashboard (no trailing slash), or null. */
    publicUrl: env.LOCAL_AGENT_PUBLIC_URL,
    /** Days finished runs are kept; 0 = forever. */
    retentionDays: env.LOCAL_AGENT_RETENTION_DAYS,
    /** The App's OAuth client for dashboard sign-in, or null when sign-in is off. */
    oauth:
      env.GITHUB_CLIENT_ID !== undefined && env.GITHUB_CLIENT_SECRET !== undefined ? { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET } : null,
    /** Bearer token for remote `/metrics` scrapes, or null (loopback only). */
    metricsToken: env.LOCAL_AGENT_METRICS_TOKEN,
    /** Per-file write limit in the sandbox, MB (the runner reads the same variable). */
    sandboxFileMb: env.LOCAL_AGENT_SANDBOX_FILE_MB,
    /** Checkout size limit, MB (the runner reads the same variable). */
    sandboxCheckoutMb: env.LOCAL_AGENT_SANDBOX_CHECKOUT_MB,
    /** Model request limit, seconds (the backends read the same variable). */
    modelTimeoutSeconds: env.LOCAL_AGENT_MODEL_TIMEOUT,
    /** Model stream idle limit, seconds (the backends read the same variable). */
    modelIdleTimeoutSeconds: env.LOCAL_AGENT_MODEL_IDLE_TIMEOUT,
    /** The hard limit of one job, minutes (default: 60, or the run and test limits plus 10 when those are longer). */
    jobDeadlineMinutes: env.LOCAL_AGENT_JOB_DEADLINE_MINUTES || Math.max(60, env.LOCAL_AGENT_TIMEOUT_MINUTES + env.LOCAL_AGENT_TEST_TIMEOUT_MINUTES + 10),
    /** pino level. */
    logLevel: env.LOG_LEVEL,
  }));

export type AppConfig = z.output<typeof AppEnvSchema>;

/** An http(s) URL with a host (settings, and `worker --model-host`). */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

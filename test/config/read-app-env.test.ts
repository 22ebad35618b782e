import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeAppConfig } from "../../src/config/describe-app-config.js";
import { readAppEnv } from "../../src/config/read-app-env.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
const PKCS1 = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const PKCS8 = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const SECRET = "4f1c0ffee4f1c0ffee-webhook-secret";

const BASE = {
  APP_ID: "123456",
  PRIVATE_KEY_PATH: "./app.private-key.pem",
  WEBHOOK_SECRET: SECRET,
  LOCAL_AGENT_MODEL: "ollama:qwen2.5-coder:7b",
};

function errorsOf(env: Record<string, string | undefined>): string[] {
  const result = readAppEnv(env);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.config)}`);
  return result.errors;
}

describe("readAppEnv", () => {
  it("fills every default from a minimal environment, ignoring unrelated variables", () => {
    const result = readAppEnv({ ...BASE, HOME: "/home/agent", PATH: "/usr/bin" });
    expect(result).toEqual({
      ok: true,
      config: {
        appId: 123456,
        privateKey: { source: "file", path: "./app.private-key.pem" },
        webhookSecret: SECRET,
        webhookProxyUrl: null,
        model: "ollama:qwen2.5-coder:7b",
        ollamaHost: "http://127.0.0.1:11434",
        numCtx: null,
        openaiBaseUrl: "http://127.0.0.1:1234/v1",
        dataDir: "./data",
        label: "local-agent",
        redisUrl: null,
        stallSeconds: 30,
        gpuSlots: 1,
        sandbox: "bwrap",
        modelAllowlist: [],
        maxTurns: 40,
        timeoutMinutes: 20,
        testTimeoutMinutes: 10,
        publicUrl: null,
        retentionDays: 90,
        oauth: null,
        metricsToken: null,
        sandboxFileMb: 1024,
        sandboxCheckoutMb: 8192,
        modelTimeoutSeconds: 600,
        modelIdleTimeoutSeconds: 60,
        jobDeadlineMinutes: 60,
        logLevel: "info",
      },
    });
  });

  it("the job deadline: 60 minutes, or the run and test limits plus 10 when longer; set, it must exceed the run's limit", () => {
    expect(readAppEnv({ ...BASE, LOCAL_AGENT_TIMEOUT_MINUTES: "90", LOCAL_AGENT_TEST_TIMEOUT_MINUTES: "15" })).toMatchObject({ ok: true, config: { jobDeadlineMinutes: 115 } });
    expect(readAppEnv({ ...BASE, LOCAL_AGENT_JOB_DEADLINE_MINUTES: "30" })).toMatchObject({ ok: true, config: { jobDeadlineMinutes: 30 } });
    expect(errorsOf({ ...BASE, LOCAL_AGENT_JOB_DEADLINE_MINUTES: "20" })).toEqual([
      'LOCAL_AGENT_JOB_DEADLINE_MINUTES="20": expected more minutes than LOCAL_AGENT_TIMEOUT_MINUTES (20): the job deadline must leave time for the checkout, the tests and the pull request after the agent\'s own limit',
    ]);
    expect(errorsOf({ ...BASE, LOCAL_AGENT_JOB_DEADLINE_MINUTES: "1" })[0]).toMatch(/^LOCAL_AGENT_JOB_DEADLINE_MINUTES="1": expected a whole number from 2 to 2880 .*the default is 60 \(or the run and test limits plus 10, when longer\)/);
  });

  it("reads every variable when set", () => {
    const result = readAppEnv({
      ...BASE,
      WEBHOOK_PROXY_URL: "https://smee.io/AbCdEf123",
      OLLAMA_HOST: "gpu-box",
      OPENAI_BASE_URL: "http://gpu-box:8000/v1/",
      OPENAI_API_KEY: "sk-local-123",
      LOCAL_AGENT_DATA_DIR: "/var/lib/local-agent",
      LOCAL_AGENT_LABEL: "agent: fix",
      LOCAL_AGENT_GPU_SLOTS: "2",
      LOCAL_AGENT_SANDBOX: "off",
      LOCAL_AGENT_MODEL_ALLOWLIST: "ollama:qwen2.5-coder:14b, llamacpp:http://127.0.0.1:8080/ ,, ollama:qwen2.5-coder:14b",
      LOCAL_AGENT_MAX_TURNS: "60",
      LOCAL_AGENT_TIMEOUT_MINUTES: "45",
      LOCAL_AGENT_TEST_TIMEOUT_MINUTES: "5",
      LOCAL_AGENT_NUM_CTX: "16384",
      LOCAL_AGENT_PUBLIC_URL: "https://agent.example.com/",
      LOCAL_AGENT_RETENTION_DAYS: "0",
      GITHUB_CLIENT_ID: "Iv23liABCDEF",
      GITHUB_CLIENT_SECRET: "0123456789abcdef0123456789abcdef01234567",
      LOCAL_AGENT_METRICS_TOKEN: "scrape-token-0123456789",
      LOCAL_AGENT_MODEL_TIMEOUT: "900",
      LOCAL_AGENT_MODEL_IDLE_TIMEOUT: "120",
      LOCAL_AGENT_SANDBOX_FILE_MB: "256",
      LOCAL_AGENT_JOB_DEADLINE_MINUTES: "90",
      LOG_LEVEL: "DEBUG",
    });
    expect(result.ok && result.config).toMatchObject({
      numCtx: 16384,
      publicUrl: "https://agent.example.com",
      retentionDays: 0,
      oauth: { clientId: "Iv23liABCDEF", clientSecret: "0123456789abcdef0123456789abcdef01234567" },
      metricsToken: "scrape-token-0123456789",
      webhookProxyUrl: "https://smee.io/AbCdEf123",
      ollamaHost: "http://gpu-box:11434",
      openaiBaseUrl: "http://gpu-box:8000/v1",
      dataDir: "/var/lib/local-agent",
      label: "agent: fix",
      gpuSlots: 2,
      sandbox: "off",
      modelAllowlist: ["ollama:qwen2.5-coder:14b", "llamacpp:http://127.0.0.1:8080"],
      maxTurns: 60,
      timeoutMinutes: 45,
      testTimeoutMinutes: 5,
      sandboxFileMb: 256,
      modelTimeoutSeconds: 900,
      modelIdleTimeoutSeconds: 120,
      jobDeadlineMinutes: 90,
      logLevel: "debug",
    });
  });

  it.each([
    ["with real newlines", PKCS1],
    ["with literal \\n (one line in a .env file)", PKCS1.trim().replace(/\n/g, "\\n")],
    ["base64-encoded", Buffer.from(PKCS1).toString("base64")],
    ["PKCS#8", PKCS8],
    ["pasted on one line with spaces", PKCS1.trim().replace(/\n/g, " ")],
  ])("accepts PRIVATE_KEY %s, as Probot does, and it wins over PRIVATE_KEY_PATH", (_name, value) => {
    const result = readAppEnv({ ...BASE, PRIVATE_KEY: value });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    expect(result.config.privateKey.source).toBe("env");
    const pem = result.config.privateKey.source === "env" ? result.config.privateKey.pem : "";
    const kind = value === PKCS8 ? "PRIVATE KEY" : "RSA PRIVATE KEY";
    expect(pem.replace(/\s+/g, "")).toBe((value === PKCS8 ? PKCS8 : PKCS1).replace(/\s+/g, ""));
    expect(pem.startsWith(`-----BEGIN ${kind}-----\n`)).toBe(true);
  });

  it("explains bad dashboard settings, hiding the client secret and the metrics token", () => {
    const errors = errorsOf({
      ...BASE,
      LOCAL_AGENT_PUBLIC_URL: "agent.example.com",
      LOCAL_AGENT_RETENTION_DAYS: "-1",
      GITHUB_CLIENT_SECRET: "only-the-secret-is-set",
      LOCAL_AGENT_METRICS_TOKEN: "short",
    });
    expect(errors).toEqual([
      expect.stringMatching(/^LOCAL_AGENT_PUBLIC_URL="agent.example.com": expected the http\(s\) address/),
      expect.stringMatching(/^LOCAL_AGENT_RETENTION_DAYS="-1": expected a whole number from 0 to 36500/),
      expect.stringMatching(/^LOCAL_AGENT_METRICS_TOKEN \(value hidden, 5 characters\): expected a random token/),
      expect.stringMatching(/^GITHUB_CLIENT_ID is not set: dashboard sign-in needs both/),
    ]);
    expect(errors.join("\n")).not.toContain("only-the-secret-is-set");
  });

  it("refuses to start without a webhook secret, or with Probot's public 'development' one", () => {
    const missing = errorsOf({ ...BASE, WEBHOOK_SECRET: undefined });
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^WEBHOOK_SECRET is not set: expected the webhook secret .*openssl rand -hex 32/);
    expect(errorsOf({ ...BASE, WEBHOOK_SECRET: "   " })[0]).toMatch(/^WEBHOOK_SECRET is not set/);
    const placeholder = errorsOf({ ...BASE, WEBHOOK_SECRET: "development" });
    expect(placeholder).toEqual([expect.stringMatching(/^WEBHOOK_SECRET \(value hidden, 11 characters\): this is Probot's public placeholder/)]);
  });

  it("needs PRIVATE_KEY or PRIVATE_KEY_PATH and never echoes a bad key", () => {
    expect(errorsOf({ ...BASE, PRIVATE_KEY_PATH: "" })).toEqual([expect.stringMatching(/PRIVATE_KEY and PRIVATE_KEY_PATH are both unset/)]);
    const garbage = "hunter2-not-a-key-hunter2";
    const bad = errorsOf({ ...BASE, PRIVATE_KEY: garbage });
    expect(bad).toEqual([expect.stringMatching(/^PRIVATE_KEY \(value hidden, 25 characters\): expected the contents of the .pem file/)]);
    const truncated = PKCS1.slice(0, 200) + PKCS1.slice(-31);
    const broken = errorsOf({ ...BASE, PRIVATE_KEY: truncated });
    expect(broken[0]).toMatch(/^PRIVATE_KEY \(value hidden, \d+ characters\): the PEM block does not parse as a private key/);
    for (const message of [...bad, ...broken]) {
      expect(message).not.toContain("hunter2");
      expect(message).not.toContain(PKCS1.slice(40, 80));
    }
  });

  it("reports every bad value at once, each naming the variable, the value and what is expected", () => {
    const errors = errorsOf({
      APP_ID: "my-app",
      WEBHOOK_SECRET: "development",
      WEBHOOK_PROXY_URL: "smee.io/abc",
      LOCAL_AGENT_MODEL: "gpt-4",
      OLLAMA_HOST: "http://bad host:11434",
      OPENAI_BASE_URL: "localhost:1234/v1",
      LOCAL_AGENT_LABEL: "x".repeat(51),
      LOCAL_AGENT_GPU_SLOTS: "zero",
      LOCAL_AGENT_SANDBOX: "docker",
      LOCAL_AGENT_MODEL_ALLOWLIST: "ollama:a,bogus",
      LOCAL_AGENT_MAX_TURNS: "0",
      LOCAL_AGENT_TIMEOUT_MINUTES: "1.5",
      LOCAL_AGENT_TEST_TIMEOUT_MINUTES: "-3",
      LOCAL_AGENT_MODEL_TIMEOUT: "soon",
      LOCAL_AGENT_SANDBOX_CHECKOUT_MB: "1.5",
      LOCAL_AGENT_NUM_CTX: "lots",
      LOCAL_AGENT_RETENTION_DAYS: "a week",
      LOG_LEVEL: "verbose",
      LOCAL_AGENT_REDIS_URL: "queue-box:6379",
      LOCAL_AGENT_STALL_SECONDS: "0",
    });
    const byVariable = new Map(errors.map((message) => [message.split(/[ =(]/)[0], message]));
    expect(errors).toHaveLength(21);
    // The Redis URL may carry a password: its value is never printed back.
    expect(byVariable.get("LOCAL_AGENT_REDIS_URL")).toBe("LOCAL_AGENT_REDIS_URL (value hidden, 14 characters): expected a Redis URL such as redis://127.0.0.1:6379 (rediss:// for TLS)");
    expect(byVariable.get("LOCAL_AGENT_STALL_SECONDS")).toMatch(/^LOCAL_AGENT_STALL_SECONDS="0": expected a whole number from 1 to 3600/);
    expect(byVariable.get("LOCAL_AGENT_NUM_CTX")).toMatch(/^LOCAL_AGENT_NUM_CTX="lots": expected a context window in tokens from 512 to 1048576/);
    expect(byVariable.get("LOCAL_AGENT_RETENTION_DAYS")).toMatch(/^LOCAL_AGENT_RETENTION_DAYS="a week": expected a whole number from 0 to 36500/);
    expect(byVariable.get("LOCAL_AGENT_SANDBOX_CHECKOUT_MB")).toBe('LOCAL_AGENT_SANDBOX_CHECKOUT_MB="1.5": expected a whole number of megabytes; the default is 8192');
    expect(byVariable.get("LOCAL_AGENT_MODEL_TIMEOUT")).toBe('LOCAL_AGENT_MODEL_TIMEOUT="soon": expected a positive number of seconds; the default is 600');
    expect(byVariable.get("APP_ID")).toBe(
      'APP_ID="my-app": expected the numeric App ID from the GitHub App\'s settings page, e.g. APP_ID=123456',
    );
    expect(byVariable.get("WEBHOOK_PROXY_URL")).toMatch(/^WEBHOOK_PROXY_URL="smee.io\/abc": expected an http\(s\) URL/);
    expect(byVariable.get("LOCAL_AGENT_MODEL")).toMatch(/^LOCAL_AGENT_MODEL="gpt-4": model spec "gpt-4" is not one of ollama:<tag>/);
    expect(byVariable.get("OLLAMA_HOST")).toMatch(/^OLLAMA_HOST="http:\/\/bad host:11434": expected where Ollama listens/);
    expect(byVariable.get("OPENAI_BASE_URL")).toMatch(/^OPENAI_BASE_URL="localhost:1234\/v1": .*not an http\(s\) URL; set it to the server's OpenAI base URL, e\.g\. OPENAI_BASE_URL=http:\/\/127\.0\.0\.1:1234\/v1/);
    expect(byVariable.get("LOCAL_AGENT_LABEL")).toMatch(/at most 50 characters/);
    expect(byVariable.get("LOCAL_AGENT_GPU_SLOTS")).toBe(
      'LOCAL_AGENT_GPU_SLOTS="zero": expected a whole number from 1 to 64 (how many jobs share the GPU at once); the default is 1',
    );
    expect(byVariable.get("LOCAL_AGENT_SANDBOX")).toMatch(/^LOCAL_AGENT_SANDBOX="docker": expected "bwrap" .* or "off"/);
    expect(byVariable.get("LOCAL_AGENT_MODEL_ALLOWLIST")).toMatch(/^LOCAL_AGENT_MODEL_ALLOWLIST="ollama:a,bogus": entry 2 \("bogus"\)/);
    expect(byVariable.get("LOCAL_AGENT_MAX_TURNS")).toMatch(/^LOCAL_AGENT_MAX_TURNS="0": expected a whole number from 1 to 200/);
    expect(byVariable.get("LOCAL_AGENT_TIMEOUT_MINUTES")).toMatch(/^LOCAL_AGENT_TIMEOUT_MINUTES="1.5": expected a whole number/);
    expect(byVariable.get("LOCAL_AGENT_TEST_TIMEOUT_MINUTES")).toMatch(/="-3": expected a whole number/);
    expect(byVariable.get("LOG_LEVEL")).toMatch(/^LOG_LEVEL="verbose": expected one of fatal, error, warn, info, debug, trace, silent/);
    expect(byVariable.get("WEBHOOK_SECRET")).toMatch(/value hidden/);
    expect(byVariable.get("PRIVATE_KEY")).toMatch(/both unset/);
  });

  it("masks credentials in URLs it prints back", () => {
    const errors = errorsOf({ ...BASE, LOCAL_AGENT_MODEL: "llamacpp:ftp://user:pa55word@gpu-box:8080" });
    expect(errors).toEqual([expect.stringMatching(/^LOCAL_AGENT_MODEL="llamacpp:ftp:\/\/\*\*\*@gpu-box:8080": .*is not an http\(s\) URL/)]);
    expect(errors.join("")).not.toContain("pa55word");
  });
});

describe("describeAppConfig", () => {
  it("keeps secrets, key material, the smee channel and URL credentials out of the startup log", () => {
    const result = readAppEnv({
      ...BASE,
      PRIVATE_KEY: PKCS1,
      WEBHOOK_PROXY_URL: "https://smee.io/PrivateChannel42",
      LOCAL_AGENT_MODEL: "llamacpp:http://user:pa55word@gpu-box:8080",
      OLLAMA_HOST: "http://gpu-box:11434",
      LOCAL_AGENT_MODEL_ALLOWLIST: "llamacpp:https://bob:sekrit@other:8443",
      GITHUB_CLIENT_ID: "Iv23liABCDEF",
      GITHUB_CLIENT_SECRET: "client-secret-0123456789abcdef",
      LOCAL_AGENT_METRICS_TOKEN: "scrape-token-0123456789",
      LOCAL_AGENT_REDIS_URL: "redis://:queue-pa55@queue-box:6379/0",
    });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const described = describeAppConfig(result.config);
    const text = JSON.stringify(described);
    for (const secret of [SECRET, PKCS1.slice(40, 80), "PrivateChannel42", "pa55word", "sekrit", "client-secret-0123456789abcdef", "scrape-token-0123456789", "queue-pa55"]) expect(text).not.toContain(secret);
    expect(described.redisUrl).toBe("redis://***@queue-box:6379/0");
    expect(described).toMatchObject({
      appId: 123456,
      privateKey: "from PRIVATE_KEY",
      webhookSecret: "set (hidden)",
      webhookProxyUrl: "https://smee.io/… (channel hidden)",
      model: "llamacpp:http://***@gpu-box:8080",
      ollamaHost: "http://gpu-box:11434",
      gpuSlots: 1,
    });
    // Every config field is described.
    expect(Object.keys(described).sort()).toEqual(Object.keys(result.config).sort());
  });
});

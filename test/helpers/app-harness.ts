import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { buildApp, type AppHandle } from "../../src/app/build-app.js";
import type { AppDeps } from "../../src/app/app-deps.js";
import { readAppEnv } from "../../src/config/read-app-env.js";
import { openJobStore } from "../../src/jobs/open-job-store.js";
import { openRunStore } from "../../src/store/open-run-store.js";
import type { ModelBackend, ModelRequest } from "../../src/model/types.js";
import { createCommandRunner } from "../../src/workspace/create-command-runner.js";
import { checkAgainstOpenApi, recordRequests, type RecordedRequest } from "./openapi-check.js";
import { scriptedModel, type ScriptStep } from "./scripted-model.js";

const require = createRequire(import.meta.url);
type Example = { name: string; examples: Record<string, unknown>[] };
const EXAMPLES = require("@octokit/webhooks-examples/api.github.com/index.json") as Example[];

/** A real payload from @octokit/webhooks-examples, adjusted with `patch` (deep-merged). */
export type ExampleEvent = "issues" | "issue_comment" | "pull_request_review" | "pull_request_review_comment";

export function examplePayload(event: ExampleEvent, action: string, patch: Record<string, unknown>): Record<string, unknown> {
  const example = EXAMPLES.find((e) => e.name === event)?.examples.find((x) => x.action === action);
  if (!example) throw new Error(`no ${event}.${action} example`);
  return merge(structuredClone(example), patch);
}

function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    const current = base[key];
    if (value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" && !Array.isArray(current)) {
      base[key] = merge(current as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      base[key] = value;
    }
  }
  return base;
}

let key: string | null = null;
function privateKey(): string {
  key ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return key;
}

export interface Harness {
  probot: Probot;
  handle: AppHandle;
  deps: AppDeps;
  requests: RecordedRequest[];
  modelRequests: ModelRequest[];
  logs: () => string;
  dataDir: string;
  /** Delivers a webhook the way GitHub would (Probot verifies nothing here: receive() is post-verification). */
  deliver(params: { id: string; name: ExampleEvent; payload: Record<string, unknown> }): Promise<void>;
  /** Waits until no job is pending, queued or running. */
  settle(): Promise<void>;
  /** Every GitHub request the app made, checked against GitHub's OpenAPI description. */
  openApiProblems(): string[];
  close(): Promise<void>;
}

/**
 * The real Probot app with a real job store, real sandbox and real git, GitHub mocked at the
 * HTTP layer (nock) and the model scripted. Retry/throttle off, as Probot's testing docs advise.
 */
export async function startHarness(params: {
  /** A script for a scripted model, or a factory given what the app asked for (its spec and transcript file). */
  script: ScriptStep[] | ((params: { spec: string; recordFile: string | null }) => ModelBackend);
  env?: Record<string, string>;
  dataDir?: string;
  maxAttempts?: number;
  /** Added to the app's host environment (e.g. a PATH with a fake nvidia-smi first). */
  hostEnv?: Record<string, string>;
  /** The job deadline and how long an aborted job may take to stop (ms). */
  jobDeadlineMs?: number;
  abandonAfterMs?: number;
  /** Probot's API base, as `GHE_HOST`/`GHE_PROTOCOL` set it for Enterprise Server (`…/api/v3`). */
  baseUrl?: string;
}): Promise<Harness> {
  const dataDir = params.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), "la-app-")));
  let logText = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  const log = pino({ level: "debug" }, sink);
  const requests: RecordedRequest[] = [];
  // A function, applied last: Probot merges its own throttle options over plain defaults, which
  // left writes paced at one per second in these tests.
  const Octokit = ProbotOctokit.plugin(recordRequests(requests)).defaults((options: Record<string, unknown>) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } }));
  const probot = new Probot({ appId: 1, privateKey: privateKey(), Octokit, log, ...(params.baseUrl ? { baseUrl: params.baseUrl } : {}) });
  const env = readAppEnv({
    APP_ID: "1",
    PRIVATE_KEY: privateKey(),
    WEBHOOK_SECRET: "test-webhook-secret-123",
    LOCAL_AGENT_MODEL: "ollama:qwen2.5-coder:7b",
    LOCAL_AGENT_DATA_DIR: dataDir,
    LOCAL_AGENT_SANDBOX: "bwrap",
    ...params.env,
  });
  if (!env.ok) throw new Error(env.errors.join("\n"));
  const modelRequests: ModelRequest[] = [];
  const store = openJobStore({ file: path.join(dataDir, "jobs.sqlite"), now: () => new Date() });
  const runs = openRunStore({ file: path.join(dataDir, "jobs.sqlite"), now: () => new Date(), retentionDays: env.config.retentionDays });
  const deps: AppDeps = {
    config: env.config,
    store,
    runs,
    env: { ...process.env, HOME: dataDir, ...params.hostEnv },
    createRunner: () => createCommandRunner({ mode: "bwrap", env: process.env }),
    createModel: (asked) => {
      const inner = typeof params.script === "function" ? params.script(asked) : scriptedModel(params.script);
      return {
        spec: inner.spec,
        info: (signal) => inner.info(signal),
        complete: (request) => {
          modelRequests.push(request);
          return inner.complete(request);
        },
        ...(inner.inspectLoaded ? { inspectLoaded: inner.inspectLoaded } : {}),
      };
    },
    now: () => new Date(),
    workspacesDir: path.join(dataDir, "workspaces"),
    reportsDir: path.join(dataDir, "reports"),
    maxAttempts: params.maxAttempts,
    // GitHub failures are retried after milliseconds here, not the production seconds and minutes.
    retry: { publishDelaysMs: [10, 20, 40], intakeDelayMs: (attempt) => 10 * attempt },
    ...(params.jobDeadlineMs === undefined ? {} : { jobDeadlineMs: params.jobDeadlineMs }),
    ...(params.abandonAfterMs === undefined ? {} : { abandonAfterMs: params.abandonAfterMs }),
  };
  const { app, handle } = buildApp(deps);
  await probot.load(app);
  await handle.ready;
  return {
    probot,
    handle,
    deps,
    requests,
    modelRequests,
    logs: () => logText,
    dataDir,
    deliver: ({ id, name, payload }) => probot.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]),
    settle: () => handle.scheduler().drain(),
    openApiProblems: () => requests.flatMap((request) => checkAgainstOpenApi(request)),
    close: async () => {
      await handle.scheduler().stop();
      store.close();
      runs.close();
      nock.cleanAll();
      if (!params.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { JobLogger, NewJob } from "../../src/jobs/job-schema.js";
import { openJobStore, type JobStore } from "../../src/jobs/open-job-store.js";

/** A clock that moves one second per reading, so timestamps are distinct and ordered. */
export function steppingClock(start = Date.parse("2026-01-01T00:00:00Z")): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

let deliveries = 0;

/** A label job for `number` with a fresh delivery id; override anything. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  deliveries++;
  return {
    deliveryId: `delivery-${deliveries}`,
    repo: "octo/widgets",
    installationId: 7,
    target: "issue",
    number: 1,
    trigger: "label",
    actor: "maintainer",
    payload: { title: "Fix it" },
    ...overrides,
  };
}

/** A `/fix` comment job (its own comment id). */
export function fixComment(overrides: Partial<NewJob> = {}): NewJob {
  deliveries++;
  return newJob({ trigger: "comment", commentId: 10_000 + deliveries, instructions: "please", ...overrides });
}

export type LogLine = { level: string; obj: Record<string, unknown>; msg: string };

export function recordingLogger(): JobLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export type TempStore = { dir: string; file: string; store: JobStore; cleanup: () => Promise<void> };

/** A store in a fresh temp folder; `cleanup` closes it and removes the folder. */
export async function tempStore(now: () => Date = steppingClock()): Promise<TempStore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-jobs-"));
  const file = path.join(dir, "data", "jobs.sqlite");
  const store = openJobStore({ file, now });
  return {
    dir,
    file,
    store,
    cleanup: async () => {
      store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A promise with its resolve function, for holding a fake model until the test lets go. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

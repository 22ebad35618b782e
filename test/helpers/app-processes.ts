import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { freePort } from "./listen-on-loopback.js";

export { freePort };

const CLI = path.resolve("dist/cli.js");

export interface AppProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the output contains `text` (rejects after `ms`, with the output so far). */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
}

/** `node dist/cli.js <args>` as its own process, with only `env` (plus PATH) in its environment. */
export function startCli(args: string[], params: { cwd: string; env: Record<string, string> }): AppProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: params.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: params.cwd,
      HOST: "127.0.0.1",
      NO_SMEE_SETUP: "true",
      LOG_FORMAT: "json",
      ...params.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    text += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (wanted, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const found = () => (typeof wanted === "string" ? text.includes(wanted) : wanted.test(text));
        const check = () => {
          if (!found()) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`"${String(wanted)}" did not appear within ${ms} ms; output so far:\n${text.slice(-6000)}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}

/** Posts a webhook to a running `serve` as GitHub does: JSON body, event, delivery id, HMAC signature. */
export async function postWebhook(params: {
  port: number;
  secret: string;
  event: string;
  id: string;
  payload: unknown;
}): Promise<number> {
  const body = JSON.stringify(params.payload);
  const signature = `sha256=${createHmac("sha256", params.secret).update(body).digest("hex")}`;
  const response = await fetch(`http://127.0.0.1:${params.port}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": params.event,
      "x-github-delivery": params.id,
      "x-hub-signature-256": signature,
    },
    body,
  });
  return response.status;
}

/** Polls `check` every 100 ms until it holds (rejects after `ms` with `what`). */
export async function eventually(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

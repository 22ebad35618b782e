import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../helpers/listen-on-loopback.js";

const CLI = path.resolve("dist/cli.js");
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});


async function workdir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-serve-"));
  dirs.push(dir);
  await fs.copyFile(path.resolve("app.yml"), path.join(dir, "app.yml"));
  return dir;
}

function start(cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, "serve"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, HOST: "127.0.0.1", NO_SMEE_SETUP: "true", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForPort(port: number, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
      return;
    } catch {
      if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const key = () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

describe("local-agent serve", () => {
  it("refuses to start without WEBHOOK_SECRET, saying which setting to fix", async () => {
    const cwd = await workdir();
    const run = start(cwd, { APP_ID: "1", PRIVATE_KEY: key(), LOCAL_AGENT_MODEL: "ollama:qwen2.5-coder:7b", PORT: String(await freePort()) });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("WEBHOOK_SECRET is not set");
  });

  it("serves Probot's set-up page (manifest from app.yml) when there are no credentials yet", async () => {
    const cwd = await workdir();
    const port = await freePort();
    start(cwd, { PORT: String(port) });
    await waitForPort(port);
    const page = await fetch(`http://127.0.0.1:${port}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/Register GitHub App/i);
    // The manifest the page posts to GitHub comes from app.yml: least privilege, no workflows.
    expect(html).toContain('"default_permissions":{"contents":"write","pull_requests":"write","issues":"write","checks":"write","metadata":"read"}');
    expect(html).toContain('"default_events":["issues","issue_comment","pull_request","pull_request_review","pull_request_review_comment"]');
    expect(html).not.toContain("workflows");
  });

  it("with credentials: rejects an unsigned delivery, acknowledges a signed one at once", async () => {
    const cwd = await workdir();
    const port = await freePort();
    const secret = "a-long-webhook-secret-for-tests";
    const run = start(cwd, {
      APP_ID: "1",
      PRIVATE_KEY: key(),
      WEBHOOK_SECRET: secret,
      LOCAL_AGENT_MODEL: "ollama:qwen2.5-coder:7b",
      LOCAL_AGENT_DATA_DIR: path.join(cwd, "data"),
      PORT: String(port),
    });
    await waitForPort(port);
    const body = JSON.stringify({ action: "opened", issue: { number: 1 }, repository: { full_name: "o/r" }, sender: { login: "a", type: "User" } });
    const post = (signature: string) =>
      fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": "d-1", "x-hub-signature-256": signature },
        body,
      });
    const forged = createHmac("sha256", "development").update(body).digest("hex");
    expect((await post(`sha256=${forged}`)).status).toBe(400);
    const good = createHmac("sha256", secret).update(body).digest("hex");
    expect((await post(`sha256=${good}`)).status).toBe(200);
    expect(run.output()).toContain("local-agent is ready for webhooks");
    expect(run.output()).not.toContain(secret);
    await fs.stat(path.join(cwd, "data", "jobs.sqlite"));
  });

  it("serves the dashboard and /metrics on Probot's own server, and keeps the session cookie out of the log", async () => {
    const cwd = await workdir();
    const port = await freePort();
    const run = start(cwd, {
      APP_ID: "1",
      PRIVATE_KEY: key(),
      WEBHOOK_SECRET: "a-long-webhook-secret-for-tests",
      LOCAL_AGENT_MODEL: "ollama:qwen2.5-coder:7b",
      LOCAL_AGENT_DATA_DIR: path.join(cwd, "data"),
      LOCAL_AGENT_SANDBOX: "off",
      PORT: String(port),
    });
    await waitForPort(port);
    const runs = await fetch(`http://127.0.0.1:${port}/local-agent/runs`, { headers: { cookie: "la_session=SessionCookieValue0123456789abcdefghijklmnop" } });
    expect(runs.status).toBe(200);
    expect(await runs.text()).toContain("No runs yet");
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(await metrics.text()).toContain("local_agent_queue_depth 0");
    // The webhook route and Probot's own pages are untouched.
    expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(200);
    await expect.poll(() => run.output()).toContain("/local-agent/runs 200");
    expect(run.output()).not.toContain("SessionCookieValue0123456789");
  });
});

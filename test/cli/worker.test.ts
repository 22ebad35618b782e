import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli/main.js";
import { captureCli } from "../helpers/capture-cli.js";

const KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const APP = {
  APP_ID: "1",
  PRIVATE_KEY: KEY,
  WEBHOOK_SECRET: "worker-test-secret-1",
  LOCAL_AGENT_MODEL: "ollama:qwen2.5-coder:7b",
  LOCAL_AGENT_DATA_DIR: os.tmpdir(),
};

/** `worker` and `serve --no-worker` refuse what cannot work, before they connect to anything. */
describe("local-agent worker and serve --no-worker: settings", () => {
  it.each([
    [["worker"], APP, /--model-host is required/],
    [["worker", "--model-host", "gpu-box:11434"], APP, /--model-host must be an http\(s\) URL, not "gpu-box:11434"/],
    [
      ["worker", "--model-host", "http://127.0.0.1:11434", "--slots", "0"],
      APP,
      /--slots must be a positive whole number, not "0"/,
    ],
    [["worker", "--model-host", "http://127.0.0.1:11434", "--gpu"], APP, /Unknown option '--gpu'/],
    [
      ["worker", "--model-host", "http://127.0.0.1:11434"],
      APP,
      /LOCAL_AGENT_REDIS_URL is not set; a worker takes its sessions from the Redis queue/,
    ],
    [
      ["worker", "--model-host", "http://127.0.0.1:11434"],
      { ...APP, LOCAL_AGENT_REDIS_URL: "http://:pw@queue:6379" },
      /LOCAL_AGENT_REDIS_URL \(value hidden/,
    ],
    [["serve", "--no-worker"], APP, /--no-worker needs LOCAL_AGENT_REDIS_URL/],
  ])("%j exits 2 with what to fix", async (argv, env, message) => {
    const cli = captureCli({ env, cwd: os.tmpdir() });
    expect(await main(argv, cli.deps)).toBe(2);
    expect(cli.err()).toMatch(message);
    expect(cli.err()).not.toContain(":pw@");
  });

  it("explains itself with --help", async () => {
    const cli = captureCli({ env: {} });
    expect(await main(["worker", "--help"], cli.deps)).toBe(0);
    expect(cli.out()).toContain("Usage: local-agent worker --model-host URL [--slots N]");
  });

  it.each([
    ["compose.queue.yaml", "receiver", /--no-worker needs LOCAL_AGENT_REDIS_URL/],
    ["compose.gpu-box.yaml", "worker", /LOCAL_AGENT_REDIS_URL is not set/],
  ])("the command of %s's %s service is one the CLI accepts", async (file, service, refusal) => {
    const compose = parse(fs.readFileSync(file, "utf8")) as { services: Record<string, { command: string[] }> };
    // Compose's own default for the one variable the command interpolates (written with "$" + "{" for the linter).
    const slotsDefault = "$" + "{LOCAL_AGENT_GPU_SLOTS:-1}";
    const [, cli, ...argv] = (compose.services[service]?.command ?? []).map((arg) => arg.replace(slotsDefault, "1"));
    expect(cli).toBe("dist/cli.js");
    const run = captureCli({ env: APP, cwd: os.tmpdir() });
    // Without the Redis URL compose would set, each stops at that check: every flag before it was accepted.
    expect(await main(argv, run.deps)).toBe(2);
    expect(run.err()).toMatch(refusal);
  });
});

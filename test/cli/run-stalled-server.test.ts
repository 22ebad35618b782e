import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { ReportSchema, type Report } from "../../src/report/report-schema.js";
import { captureCli } from "../helpers/capture-cli.js";
import { startFakeLlamaServer } from "../helpers/fake-llama-server.js";
import { startFakeOllamaServer, type FakeChatReply } from "../helpers/fake-ollama-server.js";
import { makeGitRepo, SUM_ISSUE, SUM_REPO } from "../helpers/git-fixture.js";

/**
 * Issue 11's first attack, end to end: `local-agent run --timeout 0.5` against a server that
 * accepts the request and never answers was still running after 5 minutes (the wall clock was
 * checked only between turns, and Node's 300 s fetch limit produced a retry). Now the run ends
 * at its wall clock, exit 1, with the report and a message naming the server and what to check.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(reply: FakeChatReply) {
  const server = await startFakeOllamaServer({ replies: [reply] });
  cleanups.push(server.close);
  const repo = await makeGitRepo(SUM_REPO);
  cleanups.push(repo.cleanup);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-stall-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return { server, repoDir: repo.dir, report: path.join(dir, "r.json") };
}

const readReport = async (file: string): Promise<Report> => ReportSchema.parse(JSON.parse(await fs.readFile(file, "utf8")));
const run = (repoDir: string, report: string, extra: string[], env: NodeJS.ProcessEnv) => {
  const cli = captureCli({ env: { ...process.env, ...env } });
  const args = ["run", "--repo", repoDir, "--issue-text", SUM_ISSUE, "--report", report, "--sandbox", "off", "--test-cmd", "true", "--quiet", ...extra];
  return { cli, code: main(args, cli.deps) };
};

describe("local-agent run against a stalled model server", () => {
  it("an Ollama that accepts /api/chat and sends nothing: the run ends at --timeout, exit 1, the report says why", async () => {
    const { server, repoDir, report } = await setup({ hang: true });
    const { cli, code } = run(repoDir, report, ["--model", "ollama:qwen2.5-coder:7b", "--timeout", "0.01"], { OLLAMA_HOST: server.url });
    expect(await code).toBe(1);
    const written = await readReport(report);
    expect(written.outcome).toBe("failed");
    expect(written.exit_reason).toContain(`Ollama at ${server.url} accepted the request and sent nothing for`);
    expect(written.exit_reason).toContain("the run's time limit ran out");
    expect(written.exit_reason).toContain("OLLAMA_NUM_PARALLEL");
    expect(cli.out()).toContain("accepted the request and sent nothing");
    // Ended, not retried.
    expect(server.requestsTo("/api/chat")).toHaveLength(1);
    await expect.poll(() => server.requestsTo("/api/chat")[0]?.clientDisconnected).toBe(true);
  });

  it("an Ollama that streams only empty chunks: --model-idle-timeout ends the run", async () => {
    const { server, repoDir, report } = await setup({ emptyChunksEveryMs: 20 });
    const { code } = run(repoDir, report, ["--model", "ollama:qwen2.5-coder:7b", "--model-idle-timeout", "0.3"], { OLLAMA_HOST: server.url });
    expect(await code).toBe(1);
    expect((await readReport(report)).exit_reason).toContain("streamed only empty chunks for 0.3 s");
    expect(server.requestsTo("/api/chat")).toHaveLength(1);
  });

  it("LOCAL_AGENT_MODEL_TIMEOUT bounds one request of a llama-server that never answers", async () => {
    const server = await startFakeLlamaServer();
    cleanups.push(server.close);
    server.reply({ hang: true });
    const { repoDir, report } = await setup({});
    const { code } = run(repoDir, report, ["--model", `llamacpp:${server.url}`], { LOCAL_AGENT_MODEL_TIMEOUT: "0.3" });
    expect(await code).toBe(1);
    const reason = (await readReport(report)).exit_reason;
    expect(reason).toContain(`llama-server at ${server.url}`);
    expect(reason).toContain("the per-request limit is 0.3 s");
    expect(reason).toContain("--parallel");
    expect(server.completions()).toHaveLength(1);
  });

  it("a reply that never ends: exit 1, the reason says the reply was too long", async () => {
    const { server, repoDir, report } = await setup({ flood: { chars: 10 * 1024 * 1024, chunkSize: 4096 } });
    const { code } = run(repoDir, report, ["--model", "ollama:qwen2.5-coder:7b"], { OLLAMA_HOST: server.url });
    expect(await code).toBe(1);
    const reason = (await readReport(report)).exit_reason;
    expect(reason).toContain("was too long");
    expect(reason).not.toContain("context window");
  });

  it("refuses a bad limit as bad usage", async () => {
    const { repoDir, report } = await setup({});
    const bad = run(repoDir, report, ["--model", "ollama:qwen2.5-coder:7b", "--model-timeout", "soon"], {});
    expect(await bad.code).toBe(2);
    expect(bad.cli.err()).toContain('--model-timeout must be a positive number, not "soon"');
    const env = run(repoDir, report, ["--model", "ollama:qwen2.5-coder:7b"], { LOCAL_AGENT_MODEL_IDLE_TIMEOUT: "0" });
    expect(await env.code).toBe(2);
    expect(env.cli.err()).toContain('LOCAL_AGENT_MODEL_IDLE_TIMEOUT must be a positive number of seconds, not "0"');
  });
});

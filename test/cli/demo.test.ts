import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureCli } from "../helpers/capture-cli.js";
import { startFakeOllamaServer } from "../helpers/fake-ollama-server.js";
import { replyLine, writeTranscript } from "../helpers/git-fixture.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function scratch(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-demo-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("local-agent demo", () => {
  it("runs the bundled sample through local-agent run and says where the report is", async () => {
    const transcript = await writeTranscript(await scratch(), [
      replyLine({ thought: "look", tool: "read_file", args: { path: "src/convert.js" } }),
      replyLine({ thought: "fix", tool: "edit_file", args: { path: "src/convert.js", old_text: "(celsius * 9) / 5 - 32", new_text: "(celsius * 9) / 5 + 32" } }),
      replyLine({ thought: "check", tool: "run_tests", args: {} }),
      replyLine({ thought: "done", tool: "finish", args: { summary: "Add 32 instead of subtracting it." } }),
    ]);
    const cli = captureCli();
    const code = await main(["demo", "--model", `replay:${transcript}`], cli.deps);
    expect(cli.err()).toContain("the sample project is in");
    expect(code).toBe(0);
    expect(cli.out()).toMatch(/^outcome: completed/m);
    const reportLine = /^report: (\S+) \(markdown: (\S+)\)$/m.exec(cli.out());
    expect(reportLine).not.toBeNull();
    const report = JSON.parse(await fs.readFile(reportLine?.[1] ?? "", "utf8")) as { files_changed: string[]; outcome: string };
    expect(report).toMatchObject({ outcome: "completed", files_changed: ["src/convert.js"] });
    await fs.rm(path.dirname(reportLine?.[1] ?? ""), { recursive: true, force: true });
  });

  it("without --model, uses a coder model the local Ollama has", async () => {
    const server = await startFakeOllamaServer({ models: [{ name: "llama3.2:3b" }, { name: "qwen2.5-coder:7b" }, { name: "nomic-embed-text:latest" }], replies: [] });
    cleanups.push(server.close);
    const cli = captureCli({ env: { ...process.env, OLLAMA_HOST: server.url, LOCAL_AGENT_MODEL: "" } });
    delete cli.deps.env.LOCAL_AGENT_MODEL;
    await main(["demo", "--max-turns", "1"], cli.deps);
    expect(cli.err()).toContain("using ollama:qwen2.5-coder:7b");
    expect(server.requestsTo("/api/chat").length).toBeGreaterThan(0);
  });

  it("without --model and without an Ollama, says what to start or pass", async () => {
    const server = await startFakeOllamaServer();
    const url = server.url;
    await server.close();
    const cli = captureCli({ env: { ...process.env, OLLAMA_HOST: url } });
    delete cli.deps.env.LOCAL_AGENT_MODEL;
    expect(await main(["demo"], cli.deps)).toBe(2);
    expect(cli.err()).toContain(`no Ollama answers at ${url}`);
    expect(cli.err()).toContain("--model");
  });
});

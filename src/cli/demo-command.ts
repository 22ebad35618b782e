import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { normalizeOllamaHost } from "../model/ollama/normalize-ollama-host.js";
import type { CliDeps } from "./cli-deps.js";
import { runCommand } from "./run-command.js";

export const DEMO_USAGE = `Usage: local-agent demo [--model SPEC] [--max-turns N] [--sandbox bwrap|off] [--keep]

Runs the agent on a small bundled sample project (a temperature converter with one bug, its
tests and a decoy file) and prints where the report is. A first run, to see the loop work with
your model before pointing it at a real repository.

  --model SPEC     any spec local-agent run takes (default: $LOCAL_AGENT_MODEL, else a chat
                   model your local Ollama already has, coder models first)
  --max-turns N    agent turns before giving up (default 12)
  --sandbox MODE   bwrap (default) or off
  --keep           print the sample checkout's path and leave it (default: removed, the report stays)`;

/** Where the sample lives in the package: `demo/` beside `dist/`. */
const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "demo");

/** `local-agent demo`: the bundled sample, through `local-agent run`. Returns the exit status. */
export async function demoCommand(argv: string[], deps: CliDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { model: { type: "string" }, "max-turns": { type: "string" }, sandbox: { type: "string" }, keep: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (error) {
    deps.stderr.write(`local-agent demo: ${error instanceof Error ? error.message : String(error)}\n\n${DEMO_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    deps.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  const model = values.model ?? deps.env.LOCAL_AGENT_MODEL ?? (await localOllamaModel(deps));
  if (!model) return 2;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "local-agent-demo-"));
  const repo = path.join(work, "temperature");
  await fs.cp(path.join(DEMO_DIR, "repo"), repo, { recursive: true });
  commitSample(repo, deps.env);
  deps.stderr.write(`local-agent demo: the sample project is in ${repo}; the issue is ${path.join(DEMO_DIR, "issue.md")}\n`);
  const reportFile = path.join(work, "report.json");
  const code = await runCommand(
    [
      "--repo", repo,
      "--task", path.join(DEMO_DIR, "issue.md"),
      "--model", model,
      "--report", reportFile,
      "--max-turns", values["max-turns"] ?? "12",
      ...(values.sandbox ? ["--sandbox", values.sandbox] : []),
    ],
    deps,
  );
  if (!values.keep) await fs.rm(repo, { recursive: true, force: true });
  deps.stdout.write(
    code === 0
      ? "The model fixed the sample bug. Open the markdown report to see every turn.\n"
      : "The model did not fix the sample bug; the report shows turn by turn where the loop went, which is what local-agent is for.\n",
  );
  return code;
}

/** Turns the copied sample into a checkout with one commit, as a user's repository would be. */
function commitSample(repo: string, env: NodeJS.ProcessEnv): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "core.hooksPath=/dev/null", "-c", "user.name=local-agent demo", "-c", "user.email=demo@local-agent.invalid", ...args], { cwd: repo, env, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "Temperature helpers");
}

/** A chat model the local Ollama already has (coder models first), or null with what to do. */
async function localOllamaModel(deps: CliDeps): Promise<string | null> {
  const host = normalizeOllamaHost(deps.env.OLLAMA_HOST);
  let names: string[];
  try {
    const response = await fetch(`${host}/api/tags`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { models?: { name?: string }[] };
    names = (body.models ?? []).map((entry) => entry.name ?? "").filter((name) => name !== "" && !/embed/i.test(name));
  } catch {
    deps.stderr.write(`local-agent demo: no --model given and no Ollama answers at ${host}. Start Ollama (\`ollama serve\`) and pull a model (\`ollama pull qwen2.5-coder:7b\`), or pass --model (e.g. llamacpp:http://127.0.0.1:8080).\n`);
    return null;
  }
  const pick = names.find((name) => /coder/i.test(name)) ?? names[0];
  if (!pick) {
    deps.stderr.write(`local-agent demo: Ollama at ${host} has no models yet: \`ollama pull qwen2.5-coder:7b\`, then run the demo again.\n`);
    return null;
  }
  deps.stderr.write(`local-agent demo: using ollama:${pick} (pass --model to choose another)\n`);
  return `ollama:${pick}`;
}

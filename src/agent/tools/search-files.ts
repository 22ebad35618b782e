import { execFile } from "node:child_process";
import type { ToolCallOf } from "../../protocol/tool-schemas.js";
import { HOST_GIT_CONFIG, hostGitEnv } from "../../workspace/host-git.js";
import { normalizeRepoPath } from "../../workspace/normalize-repo-path.js";
import type { Observation } from "../../protocol/observation.js";
import type { ToolContext } from "./tool-context.js";
import { TOOL_RESULT } from "../../protocol/tool-messages.js";

const MAX_MATCHES = 50;
const MAX_LINE_CHARS = 200;
// A model-written regex can backtrack catastrophically; git grep runs in a child we can kill.
const SEARCH_TIMEOUT_MS = 15_000;

type GrepResult = { code: number; stdout: string; stderr: string };

/**
 * `search`: matches with file:line over tracked and untracked-not-ignored files. Uses `git grep`
 * (Perl-compatible regex, close to what models write; a pattern that does not compile is searched
 * as a literal) so binary files are skipped and a runaway regex can be killed.
 */
export async function searchFiles(call: ToolCallOf<"search">, ctx: ToolContext): Promise<Observation> {
  let scope = ".";
  if (call.args.path !== undefined && call.args.path.trim() !== "") {
    const normalized = normalizeRepoPath(call.args.path);
    if (!normalized.ok) return { ok: false, text: `${TOOL_RESULT.cannotSearch}${normalized.reason}.` };
    scope = normalized.path;
  }
  const pattern = call.args.pattern;
  let literal = false;
  let result = await grep(ctx.workspace.root, ["-P", "-e", pattern, "--", scope], ctx.signal, ctx.env);
  if (result.code > 1) {
    literal = true;
    result = await grep(ctx.workspace.root, ["-F", "-e", pattern, "--", scope], ctx.signal, ctx.env);
  }
  if (result.code > 1) {
    const reason = result.code === 124 ? "the search took too long" : result.stderr.trim().split("\n")[0];
    return { ok: false, text: `${TOOL_RESULT.searchFailed}${reason}. Try a simpler pattern.` };
  }
  const matches = parseMatches(result.stdout);
  const where = scope === "." ? "the repository" : `"${scope}"`;
  const how = literal ? " (searched as literal text: it is not a valid regex)" : "";
  if (matches.length === 0) {
    return { ok: true, text: `${TOOL_RESULT.noMatches}${JSON.stringify(pattern)} in ${where}${how}.`, readKey: `search:${scope}:${pattern}` };
  }
  const shown = matches.slice(0, MAX_MATCHES).map(({ file, line, text }) => {
    const trimmed = text.trim();
    const clipped = trimmed.length > MAX_LINE_CHARS ? `${trimmed.slice(0, MAX_LINE_CHARS)}…` : trimmed;
    return `${file}:${line}: ${clipped}`;
  });
  const files = new Set(matches.map((m) => m.file)).size;
  const more = matches.length > MAX_MATCHES ? `\n... ${matches.length - MAX_MATCHES} more matches; narrow the pattern or the path.` : "";
  return {
    ok: true,
    text: `${matches.length} match${matches.length === 1 ? "" : "es"} in ${files} file${files === 1 ? "" : "s"}${how}:\n${shown.join("\n")}${more}`,
    readKey: `search:${scope}:${pattern}`,
  };
}

function parseMatches(stdout: string): { file: string; line: number; text: string }[] {
  const out: { file: string; line: number; text: string }[] = [];
  for (const record of stdout.split("\n")) {
    if (record === "") continue;
    const [file, line, ...rest] = record.split("\0");
    if (file === undefined || line === undefined) continue;
    out.push({ file, line: Number(line), text: rest.join("\0") });
  }
  return out;
}

function grep(cwd: string, args: string[], signal: AbortSignal | undefined, env: NodeJS.ProcessEnv): Promise<GrepResult> {
  const argv = [
    ...HOST_GIT_CONFIG.flatMap((setting) => ["-c", setting]),
    "grep",
    "-n",
    "-z",
    "-I",
    "--no-color",
    "--untracked",
    "--exclude-standard",
    ...args,
  ];
  return new Promise((resolve) => {
    execFile(
      "git",
      argv,
      { cwd, env: hostGitEnv(env), timeout: SEARCH_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 32 * 1024 * 1024, signal },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const killed = "killed" in error && error.killed;
        const code = typeof error.code === "number" ? error.code : killed ? 124 : 2;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

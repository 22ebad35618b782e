import { spawn } from "node:child_process";
import fs from "node:fs";

/** A set-up step that failed, with what the user should do about it. */
export class SetupError extends Error {
  override readonly name = "SetupError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** How to get each external tool the set-up needs, for the "not found" message. */
const INSTALL_HINTS: Record<string, string> = {
  go: "install Go 1.24 or newer (https://go.dev/dl, or `apt-get install golang` where it is new enough) and put it on PATH",
  cmake: "install cmake 3.14 or newer (`apt-get install cmake`)",
  tar: "install tar (`apt-get install tar`)",
  "c++": "install a C/C++ compiler (`apt-get install build-essential`)",
};

export interface RunToolParams {
  /** The program (looked up on PATH). */
  tool: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every line of output goes here (builds are long and loud); the last lines are quoted on failure. */
  logFile: string;
  /** What the step is, for the failure message ("building llama-server"). */
  what: string;
}

/**
 * Runs one external step of the set-up with its output in a log file. A missing program or a
 * non-zero exit becomes a SetupError naming the program, the step, the log and the fix.
 */
export async function runTool(params: RunToolParams): Promise<void> {
  const log = fs.openSync(params.logFile, "a");
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(params.tool, params.args, { cwd: params.cwd, env: params.env ?? process.env, stdio: ["ignore", log, log] });
      child.on("error", reject);
      child.on("close", (exit) => resolve(exit));
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        throw new SetupError(`${params.what}: \`${params.tool}\` was not found on PATH`, INSTALL_HINTS[params.tool] ?? `install ${params.tool}`);
      }
      throw error;
    });
    if (code !== 0) {
      throw new SetupError(
        `${params.what} failed (\`${params.tool}\` exited with ${code ?? "a signal"}); last lines of ${params.logFile}:\n${tail(params.logFile, 15)}`,
        "read the log above; a missing compiler or header is the usual cause",
      );
    }
  } finally {
    fs.closeSync(log);
  }
}

/** Checks that a tool answers `--version`-like args; returns its first output line. */
export async function probeTool(tool: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code === 0 ? (out.trim().split("\n")[0] ?? "") : null));
  });
}

export function installHint(tool: string): string {
  return INSTALL_HINTS[tool] ?? `install ${tool}`;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * A child `node` process runs our real TypeScript sources: Node 24 strips the types, and this
 * resolve hook maps the `./x.js` specifiers of our ESM sources to the `.ts` files next to them,
 * so the test needs no build and never runs a stale `dist/`.
 */
const PRELUDE = `
import { registerHooks } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const ts = new URL(specifier.slice(0, -3) + ".ts", context.parentURL);
      if (existsSync(fileURLToPath(ts))) return nextResolve(ts.href, context);
    }
    return nextResolve(specifier, context);
  },
});
const src = (file) => ${JSON.stringify(pathToFileURL(SRC).href)} + file;
`;

/** Writes `<dir>/<name>.mjs`: the prelude (giving `src("jobs/x.ts")` URLs) followed by `body`. */
export async function writeChildScript(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, `${name}.mjs`);
  await fs.writeFile(file, `${PRELUDE}\n${body}\n`);
  return file;
}

export type Child = {
  process: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line that matches (rejects if the child exits first). */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves when the child has exited, with its exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
};

export function startChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let errText = "";
  child.stderr.on("data", (chunk: Buffer) => {
    errText += chunk.toString();
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`child exited (${code ?? signal}) before printing ${waiter.pattern}; stderr:\n${errText}`));
      }
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    exited,
    stderr: () => errText,
    waitForLine(pattern) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`child already exited before printing ${pattern}; stderr:\n${errText}`));
      }
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
  };
}

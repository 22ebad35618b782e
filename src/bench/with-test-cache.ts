import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { CommandResult, CommandRunner, RunCommandParams } from "../workspace/command-runner.js";

/**
 * The bench's runner: the task suite's tests are deterministic (bench/tasks/README.md: no clock,
 * network, locale or randomness), so a test command on a tree with the same content always gives
 * the same result. Caching by content keeps hundreds of simulated runs to seconds; the first run
 * of each distinct tree still goes through the real (sandboxed) runner. Setup commands (network)
 * are never cached.
 */
export function withTestCache(runner: CommandRunner): CommandRunner & { readonly hits: number; readonly misses: number } {
  const cache = new Map<string, Promise<CommandResult>>();
  let hits = 0;
  let misses = 0;
  return {
    describe: () => runner.describe(),
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    async run(params: RunCommandParams): Promise<CommandResult> {
      if (params.network) return runner.run(params);
      const key = `${params.command}\0${JSON.stringify(params.env ?? {})}\0${await hashTree(params.cwd)}`;
      const cached = cache.get(key);
      if (cached) {
        hits++;
        return cached;
      }
      misses++;
      const result = runner.run(params);
      cache.set(key, result);
      // A cancelled or timed-out run says nothing about the tree: do not keep it.
      result.then(
        (r) => (r.cancelled || r.timedOut) && cache.delete(key),
        () => cache.delete(key),
      );
      return result;
    },
  };
}

/** Content hash of every file under `root` except `.git/`, paths sorted. */
async function hashTree(root: string): Promise<string> {
  const hash = createHash("sha256");
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => file !== ".git" && !file.startsWith(`.git${path.sep}`))
    .sort();
  for (const file of files) {
    hash.update(file).update("\0");
    const stat = await fs.lstat(path.join(root, file));
    hash.update(stat.isSymbolicLink() ? `link:${await fs.readlink(path.join(root, file))}` : await fs.readFile(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

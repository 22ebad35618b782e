import fs from "node:fs/promises";
import path from "node:path";

export type SweepWorkspacesParams = {
  /** The folder that holds one workspace per job, e.g. `<dataDir>/workspaces`. */
  dir: string;
  /** Entry names to keep (the workspaces of jobs that are running). */
  keep: ReadonlySet<string>;
  /**
   * Only entries whose name matches are candidates, so a misconfigured `dir` (say the data dir
   * itself) cannot take the job database or anything else with it. Default: `job-<id>` with an
   * optional `-suffix`.
   */
  match?: RegExp;
};

export type SweepResult = {
  /** Absolute paths removed. */
  removed: string[];
  /** Entries left alone and why (name did not match, kept, or removal failed). */
  skipped: { path: string; reason: string }[];
};

const DEFAULT_MATCH = /^job-\d+(?:-[\w.-]+)?$/;

/**
 * Removes orphaned job workspaces: folders a killed process could not clean up (tmp-promise
 * cleanup does not run after SIGKILL, security_anchors 6.5). Run it at start, before the
 * scheduler starts jobs. Only direct children of `dir` are touched; a symlink is removed as a
 * link, never followed (so a planted `job-9 -> /home` deletes the link, not the home folder).
 */
export async function sweepWorkspaces(params: SweepWorkspacesParams): Promise<SweepResult> {
  const result: SweepResult = { removed: [], skipped: [] };
  let root: string;
  try {
    root = await fs.realpath(params.dir);
  } catch (error) {
    if (isCode(error, "ENOENT")) return result;
    throw error;
  }
  if (path.parse(root).root === root) {
    throw new Error(`refusing to sweep workspaces in ${root} (the filesystem root); set the workspace folder to a dedicated directory`);
  }
  const stat = await fs.stat(root);
  if (!stat.isDirectory()) throw new Error(`the workspace folder ${params.dir} is not a directory`);

  const match = params.match ?? DEFAULT_MATCH;
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    const target = path.join(root, entry.name);
    // readdir names are single path segments, but never trust a path we are about to rm -r.
    if (path.dirname(target) !== root || entry.name === "." || entry.name === "..") {
      result.skipped.push({ path: target, reason: "not directly inside the workspace folder" });
      continue;
    }
    if (!match.test(entry.name)) {
      result.skipped.push({ path: target, reason: `name does not match ${match}` });
      continue;
    }
    if (params.keep.has(entry.name)) {
      result.skipped.push({ path: target, reason: "kept (a running job owns it)" });
      continue;
    }
    try {
      // fs.rm removes symlinks themselves (lstat), also inside the tree: nothing is followed.
      await fs.rm(target, { recursive: true, force: true });
      result.removed.push(target);
    } catch (error) {
      result.skipped.push({ path: target, reason: `could not remove it: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return result;
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

import fs from "node:fs/promises";
import path from "node:path";

/**
 * The git folders to mount read-only over the writable checkout: `.git` itself, and for a
 * worktree or submodule checkout (where `.git` is a file saying `gitdir: ...`) also the folder
 * it points to and that folder's common dir, so git keeps working inside but nothing can plant
 * hooks or config there.
 */
export async function findGitBinds(checkout: string): Promise<string[]> {
  const dotGit = path.join(checkout, ".git");
  let stat;
  try {
    stat = await fs.lstat(dotGit);
  } catch {
    return [];
  }
  if (stat.isSymbolicLink()) {
    throw new Error(
      `${dotGit} is a symlink; the sandbox cannot keep the git folder read-only through it. Use a regular clone or worktree.`,
    );
  }
  if (stat.isDirectory()) return [dotGit];
  const binds = [dotGit];
  const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(await fs.readFile(dotGit, "utf8"));
  if (!pointer?.[1]) return binds;
  const gitDir = await realpathOrNull(path.resolve(checkout, pointer[1]));
  if (!gitDir) return binds;
  binds.push(gitDir);
  const common = await fs.readFile(path.join(gitDir, "commondir"), "utf8").catch(() => null);
  if (common?.trim()) {
    const commonDir = await realpathOrNull(path.resolve(gitDir, common.trim()));
    if (commonDir && !binds.includes(commonDir)) binds.push(commonDir);
  }
  return binds;
}

async function realpathOrNull(file: string): Promise<string | null> {
  try {
    return await fs.realpath(file);
  } catch {
    return null;
  }
}

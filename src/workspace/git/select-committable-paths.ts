import fs from "node:fs/promises";
import path from "node:path";
import { normalizeRepoPath } from "../normalize-repo-path.js";

export interface SkippedPath {
  path: string;
  /** Why it is not committed, e.g. "it is now a folder (something other than the agent replaced it)". */
  reason: string;
}

/**
 * Of the files the agent wrote, the ones that may go into a commit: still a regular file at a
 * clean repo-relative path, with no symlink, `.git` or nested repository on the way. The test
 * command runs in the same checkout and can turn a written file into a folder (which git would
 * stage whole), a symlink, or part of a nested repository; those are left out, not followed.
 */
export async function selectCommittablePaths(params: {
  dir: string;
  paths: readonly string[];
}): Promise<{ paths: string[]; skipped: SkippedPath[] }> {
  const paths: string[] = [];
  const skipped: SkippedPath[] = [];
  for (const candidate of new Set(params.paths)) {
    const reason = await refusal(params.dir, candidate);
    if (reason === null) paths.push(candidate);
    else skipped.push({ path: candidate, reason });
  }
  return { paths, skipped };
}

async function refusal(dir: string, candidate: string): Promise<string | null> {
  const normalized = normalizeRepoPath(candidate);
  if (!normalized.ok) return normalized.reason;
  if (normalized.path !== candidate) return `it is not a clean repository path (it normalizes to "${normalized.path}")`;
  const segments = candidate.split("/");
  // Every folder on the way: a real folder, not a symlink, and not the root of a nested repository.
  for (let i = 1; i < segments.length; i++) {
    const folder = path.join(dir, ...segments.slice(0, i));
    const stat = await fs.lstat(folder).catch(() => null);
    if (stat === null) return "it no longer exists";
    if (!stat.isDirectory()) return `${segments.slice(0, i).join("/")} is no longer a folder`;
    if (await exists(path.join(folder, ".git"))) return `it is inside a nested repository (${segments.slice(0, i).join("/")})`;
  }
  const stat = await fs.lstat(path.join(dir, candidate)).catch(() => null);
  if (stat === null) return "it no longer exists (something other than the agent removed it)";
  if (stat.isDirectory()) return "it is now a folder (something other than the agent replaced it)";
  if (!stat.isFile()) return "it is no longer a regular file (something other than the agent replaced it)";
  return null;
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

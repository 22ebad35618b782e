import path from "node:path";

export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Turns what a model or an issue wrote into a clean repo-relative POSIX path, or says why it
 * cannot be one. Lexical only: `resolveWorkspacePath` does the filesystem (symlink) checks.
 */
export function normalizeRepoPath(input: string): NormalizedPath {
  const raw = input.trim();
  if (raw === "") return { ok: false, reason: "the path is empty" };
  if (raw.includes("\0")) return { ok: false, reason: "the path contains a NUL byte" };
  if (raw.startsWith("/") || raw.startsWith("~") || /^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith("\\\\")) {
    return { ok: false, reason: `"${raw}" is absolute; use a path relative to the repository root` };
  }
  const slashed = raw.replaceAll("\\", "/");
  if (slashed.split("/").includes("..")) {
    return { ok: false, reason: `"${raw}" contains "..": paths must stay inside the repository` };
  }
  let normalized = path.posix.normalize(slashed);
  while (normalized.startsWith("./")) normalized = normalized.slice(2);
  if (normalized.endsWith("/") && normalized.length > 1) normalized = normalized.slice(0, -1);
  if (normalized === "" || normalized === ".") return { ok: true, path: "." };
  if (normalized.split("/").some((segment) => segment.toLowerCase() === ".git")) {
    return { ok: false, reason: `"${raw}" is inside .git/, which is never readable or writable` };
  }
  return { ok: true, path: normalized };
}

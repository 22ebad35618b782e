import picomatch from "picomatch";
import { normalizeRepoPath } from "../workspace/normalize-repo-path.js";

export type PatternCheck = { ok: true; pattern: string } | { ok: false; reason: string };

/** Checks one allowed-files entry from an issue or the repo config (globs allowed). */
export function validateAllowedPattern(input: string): PatternCheck {
  const unquoted = input.trim().replace(/^[`'"]+|[`'"]+$/g, "");
  const normalized = normalizeRepoPath(unquoted);
  if (!normalized.ok) return normalized;
  if (normalized.path === ".") {
    return { ok: false, reason: `"${input.trim()}" names the whole repository; list the files or globs to change` };
  }
  // A bare folder ("src/") means everything under it.
  const pattern = unquoted.trim().endsWith("/") ? `${normalized.path}/**` : normalized.path;
  return { ok: true, pattern };
}

/** A predicate over repo-relative paths: does any allowed glob match? */
export function createAllowedMatcher(patterns: readonly string[]): (repoPath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const match = picomatch([...patterns], { dot: true });
  return (repoPath) => {
    const normalized = normalizeRepoPath(repoPath);
    return normalized.ok && normalized.path !== "." && match(normalized.path);
  };
}

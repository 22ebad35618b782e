import picomatch from "picomatch";
import { normalizeRepoPath } from "../workspace/normalize-repo-path.js";

export type PatternCheck = { ok: true; pattern: string } | { ok: false; reason: string };

/**
 * Why nothing under `.github/workflows/` is written: GitHub accepts a push that changes a
 * workflow only from an app with the `workflows` permission, which local-agent does not ask for
 * (a workflow runs with the repository's secrets), so the push would fail after the whole run.
 */
export const WORKFLOWS_REASON =
  "files under .github/workflows/ cannot be changed by local-agent: GitHub accepts a push that changes a workflow only from " +
  'an app with the "workflows" permission, which local-agent does not have (workflows run with the repository\'s secrets), ' +
  "so the push would fail after the whole run; change workflow files by hand";

/** Checks one allowed-files entry from an issue or the repo config (globs allowed, kept as written). */
export function validateAllowedPattern(input: string): PatternCheck {
  const unquoted = input.trim().replace(/^[`'"]+|[`'"]+$/g, "");
  const normalized = normalizeRepoPath(unquoted);
  if (!normalized.ok) return normalized;
  if (normalized.path === ".") {
    return { ok: false, reason: `"${input.trim()}" names the whole repository; list the files or globs to change` };
  }
  if (isUnderWorkflows(normalized.path)) return { ok: false, reason: WORKFLOWS_REASON };
  // A bare folder ("src/") means everything under it.
  const pattern = unquoted.trim().endsWith("/") ? `${normalized.path}/**` : normalized.path;
  return { ok: true, pattern };
}

/** A repo-relative path (or a glob's literal start) at or under `.github/workflows`. */
export function isUnderWorkflows(repoPath: string): boolean {
  const lower = repoPath.toLowerCase();
  return lower === ".github/workflows" || lower.startsWith(".github/workflows/");
}

/**
 * A glob that allows every file at the top of the repository (`*`, `**`, `**\/*`, …): probed
 * with two names no task means by accident, a manifest and a build script.
 */
export function allowsEveryTopLevelFile(pattern: string): boolean {
  const match = picomatch(pattern, { dot: true });
  return match("package.json") && match("Makefile");
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

import { constants as fsConstants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { runHostGit } from "./host-git.js";
import { normalizeRepoPath } from "./normalize-repo-path.js";

/** Files larger than this are not read or written whole: a small model cannot use them anyway. */
export const MAX_FILE_BYTES = 1024 * 1024;

export type FsResult<T> = ({ ok: true } & T) | { ok: false; reason: string };

/**
 * The checkout as the agent's tools see it: a guard around every path (realpath inside the
 * checkout, never `.git/`, no symlink escapes), reads limited to tracked and
 * untracked-not-ignored files, writes limited by `canWrite`.
 */
export interface Workspace {
  /** Absolute, symlink-free path of the checkout. */
  readonly root: string;
  /** Bumped by every successful write: a cheap "has anything changed" stamp. */
  readonly version: number;
  /** Repo-relative paths written during this run, in first-write order. */
  readonly written: readonly string[];
  /** Tracked plus untracked-not-ignored files, sorted. */
  listFiles(): Promise<string[]>;
  readText(repoPath: string): Promise<FsResult<{ path: string; text: string }>>;
  /** Whether a write to this path would be permitted (lexical + `canWrite`), without writing. */
  checkWrite(repoPath: string): FsResult<{ path: string }>;
  writeText(repoPath: string, content: string): Promise<FsResult<{ path: string; created: boolean }>>;
  /** Forget cached listings (after a command ran in the checkout). */
  invalidate(): void;
}

export async function createWorkspace(params: {
  root: string;
  /** Write permission for a normalized repo-relative path; the reason is shown to the model. */
  canWrite: (repoPath: string) => FsResult<object>;
  env?: NodeJS.ProcessEnv;
  /** Files an earlier attempt of the same job changed (a resumed checkout): they count as written. */
  written?: readonly string[];
}): Promise<Workspace> {
  const root = await fs.realpath(params.root);
  const gitDir = path.join(root, ".git");
  let version = 0;
  const written: string[] = [...(params.written ?? [])];
  let listing: Promise<string[]> | null = null;

  const inside = (abs: string) => abs === root || abs.startsWith(root + path.sep);
  const inGit = (abs: string) => abs === gitDir || abs.startsWith(gitDir + path.sep);

  async function listFiles(): Promise<string[]> {
    listing ??= runHostGit({
      args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"],
      cwd: root,
      env: params.env,
    }).then(({ stdout }) => [...new Set(stdout.split("\0").filter(Boolean))].sort());
    try {
      return await listing;
    } catch (error) {
      listing = null;
      throw error;
    }
  }

  /** Lexical check, then realpath of the target (or of its nearest existing ancestor). */
  async function resolve(
    repoPath: string,
  ): Promise<FsResult<{ path: string; abs: string; exists: boolean; realPath: string | null }>> {
    const normalized = normalizeRepoPath(repoPath);
    if (!normalized.ok) return normalized;
    if (normalized.path === ".") return { ok: false, reason: "the path names the repository root, not a file" };
    const abs = path.join(root, normalized.path);
    let probe = abs;
    let exists = true;
    let realPath: string | null = null;
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        if (!inside(real) || inGit(real)) {
          return {
            ok: false,
            reason: `"${normalized.path}" resolves outside the repository (through a symlink); it cannot be used`,
          };
        }
        if (exists) realPath = path.relative(root, real).split(path.sep).join("/");
        break;
      } catch {
        // A dangling symlink has no realpath: refuse it here instead of failing (or following it) later.
        if (await isSymlink(probe)) {
          return { ok: false, reason: `"${normalized.path}" goes through a symlink whose target is missing; it cannot be used` };
        }
        exists = false;
        const parent = path.dirname(probe);
        if (parent === probe) return { ok: false, reason: `"${normalized.path}" cannot be resolved` };
        probe = parent;
      }
    }
    return { ok: true, path: normalized.path, abs, exists, realPath };
  }

  async function readText(repoPath: string): Promise<FsResult<{ path: string; text: string }>> {
    const resolved = await resolve(repoPath);
    if (!resolved.ok) return resolved;
    const files = await listFiles();
    if (!resolved.exists) return { ok: false, reason: `"${resolved.path}" does not exist` };
    const stat = await fs.stat(resolved.abs);
    if (stat.isDirectory()) return { ok: false, reason: `"${resolved.path}" is a folder; use list_files to see its files` };
    // Both the name and what it points to: a tracked symlink to an ignored .env must not read it.
    if (!files.includes(resolved.path) || (resolved.realPath !== null && !files.includes(resolved.realPath))) {
      return { ok: false, reason: `"${resolved.path}" is not a tracked file (ignored files such as build output or .env are not readable)` };
    }
    if (stat.size > MAX_FILE_BYTES) {
      return {
        ok: false,
        reason: `"${resolved.path}" is ${formatBytes(stat.size)}, over the ${formatBytes(MAX_FILE_BYTES)} limit; use search to find the part you need`,
      };
    }
    const bytes = await fs.readFile(resolved.abs);
    if (bytes.subarray(0, 8192).includes(0)) {
      return { ok: false, reason: `"${resolved.path}" is a binary file; only text files can be read` };
    }
    return { ok: true, path: resolved.path, text: bytes.toString("utf8") };
  }

  async function writeText(repoPath: string, content: string): Promise<FsResult<{ path: string; created: boolean }>> {
    const resolved = await resolve(repoPath);
    if (!resolved.ok) return resolved;
    const permitted = params.canWrite(resolved.path);
    if (!permitted.ok) return permitted;
    if (Buffer.byteLength(content) > MAX_FILE_BYTES) {
      return { ok: false, reason: `the new content is over the ${formatBytes(MAX_FILE_BYTES)} limit` };
    }
    if (resolved.exists) {
      const link = await fs.lstat(resolved.abs);
      if (link.isSymbolicLink()) {
        return { ok: false, reason: `"${resolved.path}" is a symlink; write to the file it points to instead` };
      }
      if (link.isDirectory()) return { ok: false, reason: `"${resolved.path}" is a folder` };
    }
    await fs.mkdir(path.dirname(resolved.abs), { recursive: true });
    // The parent chain was checked above; O_NOFOLLOW closes the window where the final component
    // is swapped for a symlink between the check and the open.
    const handle = await fs.open(
      resolved.abs,
      fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW,
      0o644,
    );
    try {
      await handle.writeFile(content, "utf8");
    } finally {
      await handle.close();
    }
    version += 1;
    listing = null;
    if (!written.includes(resolved.path)) written.push(resolved.path);
    return { ok: true, path: resolved.path, created: !resolved.exists };
  }

  function checkWrite(repoPath: string): FsResult<{ path: string }> {
    const normalized = normalizeRepoPath(repoPath);
    if (!normalized.ok) return normalized;
    const permitted = params.canWrite(normalized.path);
    return permitted.ok ? { ok: true, path: normalized.path } : permitted;
  }

  return {
    root,
    get version() {
      return version;
    },
    get written() {
      return written;
    },
    listFiles,
    readText,
    checkWrite,
    writeText,
    invalidate: () => {
      listing = null;
    },
  };
}

async function isSymlink(file: string): Promise<boolean> {
  try {
    return (await fs.lstat(file)).isSymbolicLink();
  } catch {
    return false;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

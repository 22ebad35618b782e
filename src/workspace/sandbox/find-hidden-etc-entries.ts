import type { Dirent } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

/** Always hidden, whatever their mode: a misconfigured world-readable copy is still a secret. */
const ALWAYS_HIDDEN = [
  /^shadow-?$/,
  /^gshadow-?$/,
  /^security\/opasswd$/,
  /^sudoers$/,
  /^sudoers\.d$/,
  /^ssh\/ssh_host_.*_key$/,
  /^ssl\/private$/,
];

/**
 * Entries under `/etc` that the sandbox must not expose: everything that is not world-readable
 * (shadow files, private TLS keys, ssh host keys, database auth files...) plus a fixed list.
 * The sandbox runs as uid 0 in its user namespace, so owner-only files owned by the host uid
 * would otherwise be readable inside even with every capability dropped.
 */
export async function findHiddenEtcEntries(root = "/etc"): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      // Unreadable for us means unreadable for the sandbox (same uid, fewer capabilities).
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      // A symlink resolves inside the sandbox to whatever the sandbox can see; its target is
      // covered where it lives (under /etc) or absent (anywhere we do not bind).
      if (entry.isSymbolicLink()) continue;
      let mode: number;
      try {
        mode = (await fs.lstat(full)).mode;
      } catch {
        continue;
      }
      const relative = path.relative(root, full);
      const listed = ALWAYS_HIDDEN.some((pattern) => pattern.test(relative));
      if (entry.isDirectory()) {
        if (listed || (mode & 0o005) !== 0o005) dirs.push(full);
        else await walk(full);
      } else if (listed || (mode & 0o004) === 0) {
        files.push(full);
      }
    }
  }
  await walk(root);
  return { files: files.sort(), dirs: dirs.sort() };
}

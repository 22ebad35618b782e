import fs from "node:fs/promises";
import type { SandboxLayout } from "./build-bwrap-args.js";

const CANDIDATES = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * The top-level system folders besides /usr as the host has them: real folders are bound,
 * merged-/usr symlinks (`/bin -> usr/bin`) are recreated, missing ones are skipped.
 */
export async function findSystemDirs(): Promise<SandboxLayout["system"]> {
  const found: SandboxLayout["system"] = [];
  for (const dir of CANDIDATES) {
    try {
      const stat = await fs.lstat(dir);
      if (stat.isSymbolicLink()) found.push({ path: dir, symlinkTo: await fs.readlink(dir) });
      else if (stat.isDirectory()) found.push({ path: dir });
    } catch {
      // Not on this host.
    }
  }
  return found;
}

import fs from "node:fs/promises";
import path from "node:path";

/** Past this many entries the walk stops: millions of empty files fill a disk's inodes, and the walk would take minutes. */
export const MAX_CHECKOUT_ENTRIES = 1_000_000;

/**
 * Disk space the checkout's files take (allocated blocks, so a sparse file counts what it
 * really uses; hard links once), without its top-level `.git`, which the sandbox cannot write.
 * Stops counting once past `stopAboveBytes` or `maxEntries`: the caller only needs to know it is over.
 */
export async function measureCheckout(params: {
  dir: string;
  stopAboveBytes: number;
  maxEntries?: number;
}): Promise<{ bytes: number; entries: number; over: boolean }> {
  const maxEntries = params.maxEntries ?? MAX_CHECKOUT_ENTRIES;
  const seen = new Set<string>();
  let bytes = 0;
  let entries = 0;
  const folders = [params.dir];
  while (folders.length > 0 && bytes <= params.stopAboveBytes && entries <= maxEntries) {
    const folder = folders.pop() ?? params.dir;
    let listing;
    try {
      listing = await fs.readdir(folder, { withFileTypes: true });
    } catch {
      continue; // Gone or unreadable meanwhile: nothing to count.
    }
    entries += listing.length;
    const stats = await Promise.all(
      listing
        .filter((entry) => !(folder === params.dir && entry.name === ".git"))
        .map(async (entry) => {
          const full = path.join(folder, entry.name);
          if (entry.isDirectory()) folders.push(full);
          return fs.lstat(full).catch(() => null);
        }),
    );
    for (const stat of stats) {
      if (stat === null) continue;
      if (stat.nlink > 1 && !stat.isDirectory()) {
        const key = `${stat.dev}:${stat.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      bytes += stat.blocks * 512;
    }
  }
  return { bytes, entries, over: bytes > params.stopAboveBytes || entries > maxEntries };
}

import fs from "node:fs/promises";
import path from "node:path";

/** Every file under `dir` (symlinks not followed) and which of them contain one of `needles`. */
export async function scanTree(dir: string, needles: readonly string[]): Promise<{ files: string[]; hits: { file: string; needle: string }[] }> {
  const files: string[] = [];
  const hits: { file: string; needle: string }[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        files.push(full);
        const content = await fs.readFile(full).catch(() => Buffer.alloc(0));
        for (const needle of needles) if (content.includes(needle)) hits.push({ file: full, needle });
      }
    }
  };
  await walk(dir);
  return { files, hits };
}

import fs from "node:fs/promises";

/** A file's text, or null when it does not exist (a run without a recorded transcript). */
export async function readOptionalFile(file: string | null): Promise<string | null> {
  if (file === null) return null;
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

import { constants as fsConstants, accessSync, statSync } from "node:fs";
import path from "node:path";

/** The first executable file called `name` in a PATH string, like `command -v`; null if none. */
export function findOnPath(name: string, pathVariable: string | undefined): string | null {
  if (name.includes("/")) return isExecutableFile(name) ? name : null;
  for (const dir of (pathVariable ?? "").split(path.delimiter)) {
    // An empty entry means the current directory: never search it for a tool we run.
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

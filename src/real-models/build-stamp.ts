import fs from "node:fs";

/**
 * A built binary is current when its stamp holds the exact lock entry it was built from: a
 * changed pin rebuilds, an unchanged one takes no time.
 */
export function isBuilt(binary: string, source: unknown): boolean {
  try {
    fs.accessSync(binary, fs.constants.X_OK);
    return fs.readFileSync(`${binary}.stamp.json`, "utf8") === stampText(source);
  } catch {
    return false;
  }
}

export function writeBuildStamp(binary: string, source: unknown): void {
  fs.writeFileSync(`${binary}.stamp.json`, stampText(source));
}

function stampText(source: unknown): string {
  return `${JSON.stringify(source)}\n`;
}

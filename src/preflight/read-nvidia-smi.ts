import { execFile } from "node:child_process";
import type { GpuFacts } from "./gpu-facts.js";

const QUERY = ["--query-gpu=index,name,memory.used,memory.total,utilization.gpu", "--format=csv,noheader,nounits"];

/**
 * This machine's NVIDIA GPUs from `nvidia-smi` (found on the given PATH), or null when there is
 * no nvidia-smi or it fails (no driver, a CPU-only box, a model server on another machine).
 */
export function readNvidiaSmi(params: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<GpuFacts[] | null> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", QUERY, { env: params.env, timeout: params.timeoutMs ?? 5_000 }, (error, stdout) => {
      if (error) return resolve(null);
      resolve(parseNvidiaSmi(stdout));
    });
  });
}

/** Parses the CSV lines of the query above; lines that do not parse are skipped. */
function parseNvidiaSmi(text: string): GpuFacts[] {
  const gpus: GpuFacts[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(",").map((field) => field.trim());
    if (fields.length < 4) continue;
    const [index, name = "", used, total, utilization] = fields;
    const numbers = [Number(index), Number(used), Number(total)];
    if (numbers.some((value) => !Number.isFinite(value))) continue;
    const percent = Number(utilization);
    gpus.push({
      index: numbers[0] ?? 0,
      name,
      memoryUsedMiB: numbers[1] ?? 0,
      memoryTotalMiB: numbers[2] ?? 0,
      utilizationPercent: Number.isFinite(percent) ? percent : null,
    });
  }
  return gpus;
}

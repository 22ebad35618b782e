/** One GPU as `nvidia-smi --query-gpu` reports it. */
export interface GpuFacts {
  /** nvidia-smi's index. */
  index: number;
  /** Product name, e.g. `NVIDIA GeForce RTX 4090`. */
  name: string;
  /** Memory in use, MiB. */
  memoryUsedMiB: number;
  /** Total memory, MiB. */
  memoryTotalMiB: number;
  /** Compute utilization, percent, when reported. */
  utilizationPercent: number | null;
}

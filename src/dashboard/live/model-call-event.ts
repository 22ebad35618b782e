import type { ModelPurpose } from "../../model/types.js";

/** One finished model call of a running job, as the dashboard and the metrics see it. */
export interface ModelCallEvent {
  jobId: number;
  purpose: ModelPurpose;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  /** The prompt started with the whole previous agent prompt of the job, so the server could reuse its KV cache. */
  prefixReused: boolean | null;
}

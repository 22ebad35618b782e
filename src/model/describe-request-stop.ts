import { formatDuration } from "./format-duration.js";
import { ModelError } from "./model-error.js";
import { MODEL_IDLE_TIMEOUT_ENV, MODEL_TIMEOUT_ENV } from "./model-request-limits.js";

/** What the guard saw of one request when it stopped it; times in the guard's clock (ms). */
export interface RequestProgress {
  startedAt: number;
  stoppedAt: number;
  /** First byte of the current response; null while it has sent nothing. */
  firstByteAt: number | null;
  lastBytesAt: number;
  /** Last new text (or the first byte, before any text). */
  progressAt: number;
  /** Characters of reply text so far. */
  chars: number;
}

/**
 * The error for a request the guard stopped on time: what the server did (sent nothing,
 * only empty chunks, text and then nothing, or text at a steady but too slow pace), which
 * limit stopped it, and what to check. `deadline` for the request/run deadline, `stalled`
 * for the idle limit; neither is retried.
 */
export function describeRequestStop(params: {
  kind: "deadline" | "idle";
  /** e.g. `Ollama at http://127.0.0.1:11434`. */
  server: string;
  stallHint: string;
  progress: RequestProgress;
  /** For `deadline`: which limit it was, in words. */
  limit: string;
  idleMs: number;
}): ModelError {
  const { progress: p } = params;
  if (params.kind === "idle") {
    return new ModelError(
      "stalled",
      `${params.server} ${behaviour(p)}; the request was stopped (the idle limit)`,
      `${params.stallHint}. The idle limit is --model-idle-timeout (${MODEL_IDLE_TIMEOUT_ENV})`,
    );
  }
  // Text until moments ago (within the last tenth of the time): the server works, only too slowly.
  if (p.chars > 0 && p.stoppedAt - p.progressAt < (p.stoppedAt - p.startedAt) / 10) {
    return new ModelError(
      "deadline",
      `${params.server} was still sending its reply after ${formatDuration(p.stoppedAt - p.startedAt)} (${p.chars} characters so far) and was stopped: ${params.limit}`,
      `the server works but too slowly for this limit: raise --model-timeout (${MODEL_TIMEOUT_ENV}) or --timeout, ask for fewer tokens, or use a smaller model`,
    );
  }
  return new ModelError(
    "deadline",
    `${params.server} ${behaviour(p)}; the request was stopped: ${params.limit}`,
    `${params.stallHint}. A slow machine sends nothing until it has read the whole prompt: if the server's log shows it working, ` +
      `raise --model-timeout (${MODEL_TIMEOUT_ENV}) or --timeout`,
  );
}

function behaviour(p: RequestProgress): string {
  if (p.firstByteAt === null) return `accepted the request and sent nothing for ${formatDuration(p.stoppedAt - p.startedAt)}`;
  const emptyChunks = p.lastBytesAt > p.progressAt;
  if (p.chars === 0) {
    return emptyChunks
      ? `streamed only empty chunks for ${formatDuration(p.stoppedAt - p.firstByteAt)}`
      : `started its reply and then sent nothing for ${formatDuration(p.stoppedAt - p.firstByteAt)}`;
  }
  return `sent ${p.chars} characters, then ${emptyChunks ? "only empty chunks" : "nothing"} for ${formatDuration(p.stoppedAt - p.progressAt)}`;
}

import type { ChatMessage, ModelBackend } from "../../model/types.js";
import type { JobProgress } from "./job-progress.js";
import type { ModelCallEvent } from "./model-call-event.js";

export interface LiveProgress {
  /** Wraps a job's model so every call updates the job's progress (and reaches `onCall`). */
  observe(jobId: number, model: ModelBackend): ModelBackend;
  get(jobId: number): JobProgress | null;
  /** Forgets a job that ended. */
  finish(jobId: number): void;
  /** Called after every model call of any job; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/**
 * What the running jobs are doing between their stored states, in memory per app instance: model
 * calls, context size, speed. The queue page streams it; the metrics count the same calls.
 */
export function createLiveProgress(params: { now: () => Date; onCall?: (event: ModelCallEvent) => void }): LiveProgress {
  const progress = new Map<number, JobProgress>();
  const lastPrompt = new Map<number, readonly ChatMessage[]>();
  const listeners = new Set<() => void>();
  const record = (event: ModelCallEvent) => {
    const current = progress.get(event.jobId) ?? {
      jobId: event.jobId,
      modelCalls: 0,
      summaryCalls: 0,
      lastPromptTokens: null,
      completionTokens: 0,
      modelMs: 0,
      lastLatencyMs: null,
      lastTokensPerSecond: null,
      updatedAt: params.now().toISOString(),
    };
    const completion = event.completionTokens ?? 0;
    progress.set(event.jobId, {
      ...current,
      modelCalls: current.modelCalls + 1,
      summaryCalls: current.summaryCalls + (event.purpose === "summary" ? 1 : 0),
      lastPromptTokens: event.promptTokens ?? current.lastPromptTokens,
      completionTokens: current.completionTokens + completion,
      modelMs: current.modelMs + event.latencyMs,
      lastLatencyMs: event.latencyMs,
      lastTokensPerSecond: event.latencyMs > 0 && completion > 0 ? completion / (event.latencyMs / 1000) : current.lastTokensPerSecond,
      updatedAt: params.now().toISOString(),
    });
    params.onCall?.(event);
    for (const listener of listeners) listener();
  };
  return {
    observe(jobId, model) {
      return {
        spec: model.spec,
        info: (signal) => model.info(signal),
        ...(model.inspectLoaded ? { inspectLoaded: model.inspectLoaded } : {}),
        async complete(request) {
          const reply = await model.complete(request);
          let prefixReused: boolean | null = null;
          if (request.purpose === "agent") {
            const previous = lastPrompt.get(jobId);
            prefixReused = previous === undefined ? null : extends_(request.messages, previous);
            lastPrompt.set(jobId, request.messages.map((message) => ({ ...message })));
          }
          record({ jobId, purpose: request.purpose, latencyMs: reply.latencyMs, promptTokens: reply.promptTokens ?? null, completionTokens: reply.completionTokens ?? null, prefixReused });
          return reply;
        },
      };
    },
    get: (jobId) => progress.get(jobId) ?? null,
    finish(jobId) {
      progress.delete(jobId);
      lastPrompt.delete(jobId);
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The prompt begins with every message of the previous one, unchanged (what a KV cache can reuse). */
function extends_(current: readonly ChatMessage[], previous: readonly ChatMessage[]): boolean {
  if (previous.length > current.length) return false;
  return previous.every((message, index) => current[index]?.role === message.role && current[index]?.content === message.content);
}

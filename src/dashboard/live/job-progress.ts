/** What the dashboard knows about a running job between its stored states: its model calls so far. */
export interface JobProgress {
  jobId: number;
  /** Model calls made so far (agent turns, retries and summaries). */
  modelCalls: number;
  /** Of those, scrollback summaries. */
  summaryCalls: number;
  /** Prompt tokens of the latest call (how full the context is now). */
  lastPromptTokens: number | null;
  /** Tokens generated over all calls. */
  completionTokens: number;
  /** Model time over all calls, ms. */
  modelMs: number;
  /** The latest call's latency, ms. */
  lastLatencyMs: number | null;
  /** The latest call's generation speed. */
  lastTokensPerSecond: number | null;
  /** When the latest call ended (ISO 8601). */
  updatedAt: string;
}

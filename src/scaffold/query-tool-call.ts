import type { ToolCall, ToolName } from "../agent/tool-schemas.js";
import { isTransientModelError, ModelError } from "../model/model-error.js";
import { describeReplyProblem } from "../model/describe-reply-problem.js";
import type { ChatMessage, ModelBackend, ModelInfo, ModelReply, ModelRequest } from "../model/types.js";
import type { Attempt, Intervention, ScaffoldLayer } from "../report/report-schema.js";
import { looksTruncated, type TokenEstimator } from "./context/create-token-estimator.js";
import { parseToolReply } from "./repair/parse-tool-reply.js";
import type { ReplyError } from "./repair/validate-call.js";

export interface QueryParams {
  model: ModelBackend;
  prompt: ChatMessage[];
  tools: readonly ToolName[];
  layers: ReadonlySet<ScaffoldLayer>;
  constraint: ModelRequest["constraint"];
  temperature: number;
  maxTokens: number;
  info: ModelInfo;
  estimator: TokenEstimator;
  /** Invalid replies allowed per call before giving up (retry layer). */
  maxAttempts: number;
  /** First backoff between retries; doubles each time. */
  backoffMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  signal?: AbortSignal;
}

interface Common {
  attempts: Attempt[];
  interventions: Intervention[];
  /** The first reply was valid with no repair. */
  rawValid: boolean;
  /** The first reply's error, for failure classification. */
  firstError: ReplyError | null;
  /** The last raw reply text. */
  raw: string;
  /** The server reported, or we detected, a truncated prompt. */
  truncation: boolean;
  /** For the user: why the last reply was unusable at the model level (empty, cut off), if it was. */
  problem: string | null;
  /** The reply families the repair layer recognized over the attempts (for the turn's note). */
  families: string[];
}

export type QueryResult =
  | ({ kind: "call"; call: ToolCall; notes: string[] } & Common)
  | ({ kind: "invalid"; error: ReplyError; exhausted: boolean } & Common)
  /** The prompt does not fit: the caller should shrink the context and ask again. */
  | ({ kind: "overflow"; reason: string } & Common);

const TRANSIENT_TRIES = 3;

/**
 * One agent step's model call(s): ask, parse (repair layer), and on an invalid reply requery with
 * *temporary* history (retry layer): the bad reply plus a specific error are shown only to the
 * retry, so a recovered mistake never enters the run's history. Identical bad replies raise the
 * temperature and change the seed; retries back off exponentially.
 */
export async function queryToolCall(params: QueryParams): Promise<QueryResult> {
  const { layers } = params;
  const retry = layers.has("retry");
  const attempts: Attempt[] = [];
  const interventions: Intervention[] = [];
  let temporary: ChatMessage[] = [];
  let temperature = params.temperature;
  let seed: number | undefined;
  let previousRaw: string | null = null;
  let firstError: ReplyError | null = null;
  let rawValid = false;
  let truncation = false;
  let problem: string | null = null;
  const families: string[] = [];

  for (let attempt = 0; ; attempt++) {
    const messages = [...params.prompt, ...temporary];
    const estimate = params.estimator.estimate(messages);
    let reply: ModelReply;
    try {
      reply = await callWithTransientRetry(params, { messages, temperature, seed });
    } catch (error) {
      if (error instanceof ModelError && error.code === "context_overflow") {
        attempts.push(emptyAttempt(estimate, error.message));
        return { kind: "overflow", reason: error.message, attempts, interventions, rawValid, firstError, raw: "", truncation: true, problem: error.describe(), families };
      }
      throw error;
    }
    const silentlyTruncated = reply.inputTruncated === true || looksTruncated({ estimate, promptTokens: reply.promptTokens, numCtx: params.info.numCtx });
    problem = describeReplyProblem(reply, params.info);
    if (!silentlyTruncated) params.estimator.observe(messages, reply.promptTokens);
    const parsed = parseToolReply({ reply, tools: params.tools, repair: layers.has("repair") });
    attempts.push({
      raw_valid: parsed.rawValid,
      error: parsed.ok ? null : (problem ?? parsed.error.message),
      done_reason: reply.doneReason ?? null,
      prompt_tokens: reply.promptTokens ?? estimate,
      completion_tokens: reply.completionTokens ?? Math.ceil(reply.content.length / 3.5),
      latency_ms: reply.latencyMs,
      ...serverTimings(reply),
    });
    if (attempt === 0) {
      rawValid = parsed.rawValid;
      firstError = parsed.ok ? null : parsed.error;
    }
    if (silentlyTruncated) {
      truncation = true;
      if (layers.has("context")) {
        return { kind: "overflow", reason: "the server dropped part of the prompt", attempts, interventions, rawValid, firstError, raw: reply.content, truncation, problem, families };
      }
    }
    for (const intervention of parsed.interventions) if (!interventions.includes(intervention)) interventions.push(intervention);
    for (const family of parsed.families) if (!families.includes(family)) families.push(family);
    if (parsed.ok) {
      return { kind: "call", call: parsed.call, notes: parsed.notes, attempts, interventions, rawValid, firstError, raw: reply.content, truncation, problem, families };
    }
    const exhausted = attempt + 1 >= params.maxAttempts;
    if (!retry || exhausted) {
      return { kind: "invalid", error: parsed.error, exhausted: retry && exhausted, attempts, interventions, rawValid, firstError, raw: reply.content, truncation, problem, families };
    }
    interventions.push("retry");
    if (previousRaw !== null && previousRaw === reply.content) {
      // temperature 0 makes small models resend the same broken call; shake them loose.
      temperature = Math.min(1, temperature + 0.3);
      seed = Math.floor(params.random() * 2 ** 31);
    }
    previousRaw = reply.content;
    temporary = [
      { role: "assistant", content: reply.content },
      { role: "user", content: `${parsed.error.message}\nReply again with one corrected JSON object and nothing else.` },
    ];
    await params.sleep(params.backoffMs * 2 ** attempt);
  }
}

async function callWithTransientRetry(
  params: QueryParams,
  sampling: { messages: ChatMessage[]; temperature: number; seed: number | undefined },
): Promise<ModelReply> {
  for (let tries = 1; ; tries++) {
    try {
      return await params.model.complete({
        messages: sampling.messages,
        purpose: "agent",
        constraint: params.layers.has("grammar") ? params.constraint : undefined,
        temperature: sampling.temperature,
        seed: sampling.seed,
        maxTokens: params.maxTokens,
        signal: params.signal,
      });
    } catch (error) {
      if (!isTransientModelError(error) || tries >= TRANSIENT_TRIES || params.signal?.aborted) throw error;
      await params.sleep(1000 * 2 ** tries);
    }
  }
}

function emptyAttempt(promptTokens: number, error: string): Attempt {
  return { raw_valid: false, error, done_reason: null, prompt_tokens: promptTokens, completion_tokens: 0, latency_ms: 0 };
}

/** The server's own cache and timing figures, where it gives them (the benchmark's tokens/s and cache reuse). */
export function serverTimings(reply: ModelReply): Pick<Attempt, "cached_prompt_tokens" | "prompt_eval_ms" | "eval_ms"> {
  const timings: Pick<Attempt, "cached_prompt_tokens" | "prompt_eval_ms" | "eval_ms"> = {};
  if (reply.cachedPromptTokens !== undefined) timings.cached_prompt_tokens = reply.cachedPromptTokens;
  if (reply.promptEvalMs !== undefined) timings.prompt_eval_ms = reply.promptEvalMs;
  if (reply.evalMs !== undefined) timings.eval_ms = reply.evalMs;
  return timings;
}

import { describeReplyProblem } from "../model/describe-reply-problem.js";
import { ModelError } from "../model/model-error.js";
import type { ChatMessage, ModelReply } from "../model/types.js";
import { overflowError } from "../protocol/layer-messages.js";
import type { ToolCall } from "../protocol/tool-schemas.js";
import type { Attempt, Intervention } from "../protocol/turn-record.js";
import { looksTruncated } from "../scaffold/context/create-token-estimator.js";
import { isStopReply } from "../scaffold/is-stop-reply.js";
import type { InvalidVerdict } from "../scaffold/layers/layer.js";
import type { ParsedReply } from "../scaffold/repair/parsed-reply.js";
import type { ReplyError } from "../scaffold/repair/validate-call.js";
import { serverTimings } from "../scaffold/server-timings.js";
import { completeWithRetries } from "./complete-with-retries.js";
import { naiveVerdict } from "./naive-verdict.js";
import type { AgentRun } from "./open-run.js";

/** What one agent turn's model calls came to, for its record. */
export interface TurnQuery {
  /** Every model call of the turn, in order. */
  attempts: Attempt[];
  /** The layers' interventions so far, in order (repeats included). */
  interventions: Intervention[];
  /** The first reply was a valid call with no repair. */
  rawValid: boolean;
  /** The first reply's error, for failure classification. */
  firstError: ReplyError | null;
  /** The last reply's text. */
  raw: string;
  /** The prompt was (or would have been) cut. */
  truncation: boolean;
  /** Reply families the parser recognized (for the turn's note). */
  families: string[];
}

export type Asked =
  | ({ kind: "call"; call: ToolCall; notes: string[] } & TurnQuery)
  | ({
      kind: "invalid";
      /** The tool the reply named, when one could be made out. */
      tool: string | null;
      /** The turn's error, for the report. */
      error: string;
      /** What follows the bad reply in the history. */
      feedback: string;
      /** Interventions of the layers that decided. */
      decided: Intervention[];
      exit: { exit: Extract<InvalidVerdict, { kind: "exit" }>["exit"]; reason: string } | null;
    } & TurnQuery);

/**
 * One agent turn up to a call or an invalid ending: the layers' beforeQuery, then model calls
 * until a reply parses or the layers (or, without them, the naive rules) give up. A reask (the
 * context shrank) starts the calls again on the new history, keeping the attempts made so far.
 */
export async function askForCall(run: AgentRun): Promise<Asked> {
  const pending = await run.hooks.beforeQuery(run);
  const attempts: Attempt[] = [];
  for (;;) {
    const asked = await queryModel(run, attempts, pending);
    if (!asked) continue;
    const truncation = asked.truncation || pending.includes("truncation_detected");
    return { ...asked, interventions: [...pending, ...asked.interventions], truncation };
  }
}

/** The model calls on one prompt; null when the layers ask for the turn again (`pending` then has their interventions). */
export async function queryModel(run: AgentRun, attempts: Attempt[], pending: Intervention[]): Promise<Asked | null> {
  const prompt = run.hooks.view(run.history);
  const query: TurnQuery = {
    attempts,
    interventions: [],
    rawValid: false,
    firstError: null,
    raw: "",
    truncation: false,
    families: [],
  };
  let requery: Pick<InvalidVerdict & { kind: "requery" }, "messages" | "temperature" | "seed"> | null = null;
  for (let attempt = 0; ; attempt++) {
    const sampling = { temperature: requery?.temperature ?? run.limits.temperature, seed: requery?.seed };
    const read = await readReply(run, [...prompt, ...(requery?.messages ?? [])], sampling);
    attempts.push(read.attempt);
    query.raw = read.raw;
    if (read.kind === "refused") {
      const verdict = await onOverflow(run, { query, reason: read.reason, attempt, pending });
      return verdict?.kind === "reask" ? null : overflowEnding(run, query, read.reason, verdict, attempt);
    }
    if (attempt === 0) {
      query.rawValid = read.parsed.rawValid;
      query.firstError = read.parsed.ok ? null : read.parsed.error;
    }
    // A prompt the server cut without saying goes on as it is unless a layer acts on it.
    if (read.cut !== null) {
      const verdict = await onOverflow(run, { query, reason: read.cut, attempt, pending });
      if (verdict?.kind === "reask") return null;
      if (verdict?.kind === "exit") return overflowEnding(run, query, read.cut, verdict, attempt);
    }
    const { parsed } = read;
    addNew(query.interventions, parsed.interventions);
    addNew(query.families, parsed.families);
    if (parsed.ok) return { kind: "call", call: parsed.call, notes: parsed.notes, ...query };
    const { error } = parsed;
    const stopped = error.code === "empty" || (error.code === "no_call" && isStopReply(read.raw, run.tools));
    const invalid = { kind: "reply" as const, error, raw: read.raw, problem: read.problem, stopped, attempt };
    const verdict = (await run.hooks.onInvalid(invalid, run)) ?? naiveVerdict(run, invalid);
    if (verdict.kind === "reask") {
      pending.push(...verdict.interventions);
      return null;
    }
    if (verdict.kind === "requery") {
      query.interventions.push(...verdict.interventions);
      requery = verdict;
      await run.clock.sleep(verdict.delayMs);
      continue;
    }
    const ending =
      verdict.kind === "exit" ? { feedback: verdict.feedback, exit: verdict } : { feedback: verdict.text, exit: null };
    const turnError = read.problem ?? error.message;
    return { kind: "invalid", ...query, tool: error.tool, error: turnError, decided: verdict.interventions, ...ending };
  }
}

/** Asks the layers about a prompt that did not fit; what they did belongs to the turn, ahead of this prompt's replies. */
async function onOverflow(
  run: AgentRun,
  params: { query: TurnQuery; reason: string; attempt: number; pending: Intervention[] },
): Promise<InvalidVerdict | undefined> {
  params.query.truncation = true;
  const verdict = await run.hooks.onInvalid({ kind: "overflow", reason: params.reason, attempt: params.attempt }, run);
  if (verdict) params.pending.push(...verdict.interventions);
  return verdict;
}

/** The turn ends on a prompt that did not fit: as a layer said, else as the naive rules say (the run ends). */
function overflowEnding(
  run: AgentRun,
  query: TurnQuery,
  reason: string,
  verdict: InvalidVerdict | undefined,
  attempt: number,
): Asked {
  const decided = verdict?.kind === "exit" ? verdict : naiveVerdict(run, { kind: "overflow", reason, attempt });
  const ending = decided.kind === "exit" ? { feedback: decided.feedback, exit: decided } : { feedback: "", exit: null };
  return { kind: "invalid", ...query, tool: null, error: overflowError(reason), decided: [], ...ending };
}

function addNew<T>(list: T[], items: readonly T[]): void {
  for (const item of items) if (!list.includes(item)) list.push(item);
}

type ReadReply =
  | { kind: "reply"; attempt: Attempt; parsed: ParsedReply; raw: string; problem: string | null; cut: string | null }
  /** The server refused the prompt as too long. */
  | { kind: "refused"; attempt: Attempt; raw: ""; reason: string };

/** One model call and what its reply is: the constrained request, the parse, the attempt record. */
async function readReply(
  run: AgentRun,
  messages: ChatMessage[],
  sampling: { temperature: number; seed: number | undefined },
): Promise<ReadReply> {
  const estimate = run.estimator.estimate(messages);
  const request = run.hooks.constrain(
    { messages, purpose: "agent", ...sampling, maxTokens: run.limits.maxTokens, signal: run.signal },
    run,
  );
  let reply: ModelReply;
  try {
    reply = await completeWithRetries(run.model, request, run.clock.sleep);
  } catch (error) {
    if (!(error instanceof ModelError && error.code === "context_overflow")) throw error;
    const attempt = {
      raw_valid: false,
      error: error.message,
      done_reason: null,
      prompt_tokens: estimate,
      completion_tokens: 0,
      latency_ms: 0,
    };
    return { kind: "refused", attempt, raw: "", reason: error.message };
  }
  const cut =
    reply.inputTruncated === true ||
    looksTruncated({ estimate, promptTokens: reply.promptTokens, numCtx: run.modelInfo.numCtx });
  const problem = describeReplyProblem(reply, run.modelInfo);
  if (!cut) run.estimator.observe(messages, reply.promptTokens);
  const parsed = run.hooks.parse(reply, run);
  const attempt: Attempt = {
    raw_valid: parsed.rawValid,
    error: parsed.ok ? null : (problem ?? parsed.error.message),
    done_reason: reply.doneReason ?? null,
    prompt_tokens: reply.promptTokens ?? estimate,
    completion_tokens: reply.completionTokens ?? Math.ceil(reply.content.length / 3.5),
    latency_ms: reply.latencyMs,
    ...serverTimings(reply),
  };
  return {
    kind: "reply",
    attempt,
    parsed,
    raw: reply.content,
    problem,
    cut: cut ? "the server dropped part of the prompt" : null,
  };
}

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
    if (asked)
      return {
        ...asked,
        interventions: [...pending, ...asked.interventions],
        truncation: asked.truncation || pending.includes("truncation_detected"),
      };
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
  let temporary: ChatMessage[] = [];
  let sampling = { temperature: run.limits.temperature, seed: undefined as number | undefined };
  for (let attempt = 0; ; attempt++) {
    const read = await readReply(run, [...prompt, ...temporary], sampling);
    attempts.push(read.attempt);
    query.raw = read.raw;
    if (attempt === 0 && read.parsed) {
      query.rawValid = read.parsed.rawValid;
      query.firstError = read.parsed.ok ? null : read.parsed.error;
    }
    if (read.overflow !== null) {
      query.truncation = true;
      const verdict = await run.hooks.onInvalid({ kind: "overflow", reason: read.overflow, attempt }, run);
      // What the layers did about the prompt belongs to the turn, before this prompt's replies.
      if (verdict) pending.push(...verdict.interventions);
      if (verdict?.kind === "reask") return null;
      if (verdict?.kind === "exit" || !read.parsed) {
        const exit =
          verdict?.kind === "exit" ? verdict : naiveVerdict(run, { kind: "overflow", reason: read.overflow, attempt });
        const feedback = exit.kind === "exit" ? exit.feedback : "";
        return {
          kind: "invalid",
          ...query,
          tool: null,
          error: overflowError(read.overflow),
          feedback,
          decided: [],
          exit: exit.kind === "exit" ? exit : null,
        };
      }
    }
    const parsed = read.parsed;
    if (!parsed) throw new Error("queryModel: a reply without a parse");
    for (const intervention of parsed.interventions)
      if (!query.interventions.includes(intervention)) query.interventions.push(intervention);
    for (const family of parsed.families) if (!query.families.includes(family)) query.families.push(family);
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
      temporary = verdict.messages;
      sampling = { temperature: verdict.temperature, seed: verdict.seed };
      await run.clock.sleep(verdict.delayMs);
      continue;
    }
    const feedback = verdict.kind === "exit" ? verdict.feedback : verdict.text;
    const exit = verdict.kind === "exit" ? { exit: verdict.exit, reason: verdict.reason } : null;
    return {
      kind: "invalid",
      ...query,
      tool: error.tool,
      error: read.problem ?? error.message,
      feedback,
      decided: verdict.interventions,
      exit,
    };
  }
}

interface ReadReply {
  attempt: Attempt;
  /** Null when the server refused the prompt. */
  parsed: ParsedReply | null;
  raw: string;
  /** Why the prompt did not fit, when it did not (refused, or cut without saying). */
  overflow: string | null;
  problem: string | null;
}

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
    return { attempt, parsed: null, raw: "", overflow: error.message, problem: error.describe() };
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
    attempt,
    parsed,
    raw: reply.content,
    overflow: cut ? "the server dropped part of the prompt" : null,
    problem,
  };
}

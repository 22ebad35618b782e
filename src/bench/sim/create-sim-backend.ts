import type { ToolCall } from "../../protocol/tool-schemas.js";
import { ModelError } from "../../model/model-error.js";
import type { ChatMessage, ModelBackend, ModelInfo, ModelReply, ModelRequest } from "../../model/types.js";
import { CROSS_FILE_MARK, FINISH_FAILING_OPENING, SCOPE_REFUSAL_MARK } from "../../protocol/layer-messages.js";
import { TOOL_RESULT } from "../../protocol/tool-messages.js";
import { corruptCall, type CorruptionCategory } from "./corrupt-call.js";
import { createSeededDraw } from "./create-seeded-draw.js";
import { readSituation, type Feedback, type Situation } from "./read-situation.js";
import type { SimProfile } from "./sim-profiles.js";

/** What the simulator knows of the task it plays: the reference route and the traps. */
export interface SimTask {
  id: string;
  kind: "change" | "question";
  title: string;
  /** The reference route (solution.json): tool calls that solve the task from HEAD. */
  steps: readonly ToolCall[];
  /** Look-alike files a careless model edits instead. */
  decoys: readonly string[];
  /** Files of the repository, for exploratory calls. */
  files: readonly string[];
}

/**
 * Share of would-be-malformed replies that stay unusable under a grammar constraint (cut off at
 * the token limit mid-string). Published: grammar took Granite 4.1 8B q4 from 84.7% to 97.1%
 * validity, so (1 − 0.971) / (1 − 0.847) ≈ 0.19 of the failures remain.
 */
const GRAMMAR_RESIDUAL = (1 - 0.971) / (1 - 0.847);
/** Of the rest, the share that comes out well-formed but wrong (a guessed path, a misquoted old_text). */
const GRAMMAR_SLIP = 0.3;
/** Each unusable reply of its own still in the prompt makes the next one likelier (in-context imitation). */
const IMITATION = 0.25;
const DRIFT_CAP = 0.35;
/** How much of the usual malformation odds remain when the model repeats its previous call. */
const LOOP_COPY = 0.25;
/** Characters per token of the simulated tokenizer (code-heavy text runs denser than prose). */
const CHARS_PER_TOKEN = 3.3;

type Role = "plan" | "detour" | "loop" | "wrong_file" | "reread" | "revert";
interface Intent {
  call: ToolCall;
  role: Role;
}
interface Sent {
  /** The call the model meant; null for a stop (prose, empty reply, early finish or answer). */
  intent: Intent | null;
  content: string;
  category: CorruptionCategory | null;
  /** The reply was the intended call, well-formed. */
  clean: boolean;
}

/**
 * `sim:<profile>`: a model that knows the task's reference route (the oracle) and fails the way
 * small models do, at the profile's rates (the injector). It reads its situation from the prompt
 * like a real model and reacts to the scaffolding as real models do:
 * - grammar (`request.constraint`): no syntactically invalid output; would-be malformed replies
 *   become valid calls, sometimes wrong ones, and a few are cut off at the token limit;
 * - errors: a specific message with an example call is fixed far more often than a terse one,
 *   and its own bad replies left in the history make more of them likely;
 * - drift grows with the turns since the tool schemas were last shown (re-injection resets it);
 * - validity falls with context fill along the profile's published curve, and a prompt over the
 *   window is refused like Ollama with `truncate: false`;
 * - a loop persists until something breaks it; an early finish ends the run unless refused;
 * - a wrong-file edit lands in the decoy unless scope refuses it.
 * Seeded per (profile, task, run): the same run replays identically.
 */
export function createSimBackend(params: { profile: SimProfile; spec: string; task: SimTask; run: number }): ModelBackend {
  const { profile, task } = params;
  const b = profile.behaviour;
  const dice = createSeededDraw(`${profile.name}|${task.id}|${params.run}`);
  const steps = task.steps;
  const finalIndex = steps.length - 1;

  let calls = 0;
  let next = 0;
  const queue: Intent[] = [];
  let last: Sent | null = null;
  let fixing: { intent: Intent; specific: boolean; category: CorruptionCategory | null } | null = null;
  /** A refused reply the model sends again instead of following the message (it insists). */
  let insist: Sent | null = null;
  let looping: ToolCall | null = null;
  let warned = false;
  let lastExecuted: { call: ToolCall; ok: boolean } | null = null;
  let decoyEdit: { path: string; old_text: string; new_text: string; step: number } | null = null;
  const wrongFileRolled = new Set<number>();
  const read = new Set<string>();
  let edited: string[] = [];

  const draw = (label: string) => dice(calls, label);

  const info: ModelInfo = {
    spec: params.spec,
    backend: "sim",
    name: profile.name,
    quantization: profile.published.quantization,
    contextLength: profile.contextLength,
    numCtx: profile.numCtx,
    backendVersion: "sim-1",
    warnings: [],
  };

  /** A specific message (a refusal that says why and what to do) is followed at the profile's rate. */
  const follows = () => draw("follow") < b.fixSpecific;

  /** Learn what became of the previous reply. */
  const absorb = (feedback: Feedback) => {
    const sent = last;
    insist = null;
    if (!sent) return;
    switch (feedback.kind) {
      case "error":
        fixing = sent.intent && !sent.clean ? { intent: sent.intent, specific: feedback.specific, category: sent.category } : null;
        if (sent.intent && sent.clean) skip(sent.intent);
        // A rejected stop (prose, empty reply): carry on with the plan, or stop again.
        if (!sent.intent && !(feedback.specific && follows())) insist = sent;
        return;
      case "observation":
        fixing = null;
        if (sent.intent) observe(sent.intent, feedback.tool, feedback.text);
        return;
      case "loop_warning":
        fixing = null;
        warned = true;
        // Told that a read would show the same as before, a model takes what it already has.
        if (sent.intent && sent.intent.role !== "loop" && isReadOnly(sent.intent.call)) observe(sent.intent, sent.intent.call.tool, "");
        return;
      case "finish_rejected":
        fixing = null;
        if (!follows()) {
          insist = sent;
          return;
        }
        if (decoyEdit && feedback.text.includes(FINISH_FAILING_OPENING) && draw("notice-nudged") < Math.min(1, b.notice * 2)) startRevert();
        return;
      case "start":
        // Everything was folded into a summary: assume a well-formed call ran as intended.
        fixing = null;
        if (sent.intent && sent.clean) observe(sent.intent, sent.intent.call.tool, "");
        return;
    }
  };

  /** A well-formed call that was still refused (not a tool here): do not insist on it. */
  const skip = (intent: Intent) => {
    if (intent.role === "plan" && next < finalIndex) next++;
  };

  const observe = (intent: Intent, tool: string, text: string) => {
    // The repair layer may have read the reply as another call: the intended one did not run.
    if (tool !== intent.call.tool) return;
    const call = intent.call;
    const ok = observationOk(call, text);
    if (intent.role === "wrong_file" && text.includes(SCOPE_REFUSAL_MARK) && !follows()) {
      // Refused by scope, it tries the same file again instead of the one the message names.
      insist = last;
      return;
    }
    lastExecuted = { call, ok };
    if (call.tool === "read_file" && ok) read.add(call.args.path);
    switch (intent.role) {
      case "plan":
        if (call.tool === "run_tests") {
          const passed = text.startsWith(TOOL_RESULT.testsPassed) || text === "";
          if (!passed && decoyEdit && draw("notice") < b.notice) startRevert();
          else next++;
          return;
        }
        if (ok) {
          if (call.tool === "edit_file" || call.tool === "write_file") edited = [...edited, call.args.path];
          next++;
        } else if (call.tool === "edit_file" || call.tool === "write_file") {
          queue.push({ role: "reread", call: { thought: "Read the file again to copy the exact text.", tool: "read_file", args: { path: call.args.path } } });
        }
        return;
      case "wrong_file":
        if (call.tool === "edit_file" && text.startsWith(TOOL_RESULT.edited)) {
          // It believes the fix is in; only failing tests may make it look again.
          decoyEdit = { path: call.args.path, old_text: call.args.old_text, new_text: call.args.new_text, step: next };
          edited = [...edited, call.args.path];
          next++;
        } else if (!text.includes(SCOPE_REFUSAL_MARK) && !text.includes(CROSS_FILE_MARK)) {
          // Nothing told it which file is right: it reads the intended one again first.
          const step = steps[next];
          if (step && (step.tool === "edit_file" || step.tool === "write_file")) {
            queue.push({ role: "reread", call: { thought: "Check the right file.", tool: "read_file", args: { path: step.args.path } } });
          }
        }
        return;
      case "revert":
        if (ok) decoyEdit = null;
        return;
      case "detour":
      case "loop":
      case "reread":
        return;
    }
  };

  const startRevert = () => {
    const edit = decoyEdit;
    if (!edit) return;
    queue.push({
      role: "revert",
      call: { thought: `I changed the wrong file; restore ${edit.path}.`, tool: "edit_file", args: { path: edit.path, old_text: edit.new_text, new_text: edit.old_text } },
    });
    next = edit.step;
  };

  /** Probabilities that this reply is malformed, by kind. */
  const malformedOdds = (situation: Situation, tokens: number) => {
    const imitation = 1 + IMITATION * Math.min(situation.visibleInvalid, 4);
    const args = b.malformed * imitation;
    // Rounded, so that noise in the prompt (a test run's duration) cannot change a decision.
    const forget = b.malformed * (fillMultiplier(profile, Math.floor(tokens / 250) * 250) - 1);
    const drift = Math.min(DRIFT_CAP, b.driftPerTurn * Math.max(0, situation.turnsSinceSchema - 2));
    return { args, drift, forget };
  };

  /** The reply for an intended call: well-formed, or malformed in one of the real shapes. */
  const format = (intent: Intent, category: CorruptionCategory | null, request: ModelRequest): { content: string; doneReason?: string; sent: Sent } => {
    if (category === null) return { content: JSON.stringify(intent.call), sent: { intent, content: "", category, clean: true } };
    if (request.constraint) {
      const u = draw("grammar");
      if (u < GRAMMAR_RESIDUAL) {
        return { content: cutOff(intent.call, request.maxTokens ?? 2048), doneReason: "length", sent: { intent, content: "", category, clean: false } };
      }
      const call = u < GRAMMAR_RESIDUAL + (1 - GRAMMAR_RESIDUAL) * GRAMMAR_SLIP ? slip(intent.call, draw) : intent.call;
      return { content: JSON.stringify(call), sent: { intent, content: "", category, clean: call === intent.call } };
    }
    const corrupt = corruptCall(intent.call, category, draw);
    return { content: corrupt.content, sent: { intent, content: "", category, clean: false } };
  };

  const emit = (intent: Intent, situation: Situation, tokens: number, request: ModelRequest) => {
    const odds = malformedOdds(situation, tokens);
    // A loop re-sends a call that is already in the context: copying it is easy to get right.
    const scale = intent.role === "loop" ? LOOP_COPY : 1;
    const u = draw("format") / scale;
    const category: CorruptionCategory | null =
      u < odds.args ? "args" : u < odds.args + odds.drift ? "drift" : u < odds.args + odds.drift + odds.forget ? "forget" : null;
    return format(intent, category, request);
  };

  /** An early stop: prose claiming success, an empty reply, or a finish/answer before the work is done. */
  const stop = (request: ModelRequest): { content: string; sent: Sent } => {
    const u = draw("stop-shape");
    const sent = (content: string): { content: string; sent: Sent } => ({ content, sent: { intent: null, content, category: null, clean: false } });
    if (task.kind === "question") {
      const guess = { thought: "I think I know this.", tool: "answer", args: { text: "It is probably configured in the README; I did not find it in the code." } };
      return sent(request.constraint || u < 0.6 ? JSON.stringify(guess) : "I think it is configured in the README, so there is nothing to change.");
    }
    const finish = { thought: "The issue is fixed.", tool: "finish", args: { summary: "Fixed the issue." } };
    if (request.constraint || u < 0.4) return sent(JSON.stringify(finish));
    if (u < 0.8) return sent(`I've fixed the issue in ${edited[0] ?? "the code"}. The change should resolve the problem described.`);
    return sent("");
  };

  const choose = (situation: Situation, tokens: number, request: ModelRequest): { content: string; doneReason?: string; sent: Sent } => {
    if (insist) return { content: insist.content, sent: { ...insist } };
    if (fixing) {
      const { intent, specific, category } = fixing;
      if (draw("fix") < (specific ? b.fixSpecific : b.fixTerse)) return format(intent, null, request);
      // At the same temperature small models resend the same broken reply; a raised one varies it.
      const raised = (request.temperature ?? 0.3) > 0.31;
      if (!raised && last && draw("same") < 0.5) return { content: last.content, sent: { ...last } };
      return format(intent, category ?? "args", request);
    }
    if (looping) {
      const p = warned ? b.loopBreakWarned : b.loopBreak;
      warned = false;
      if (draw("loop-break") < p) looping = null;
      else return emit({ call: looping, role: "loop" }, situation, tokens, request);
    }
    const queued = queue.shift();
    if (queued) return emit(queued, situation, tokens, request);
    if (next > finalIndex) next = finalIndex;
    // A file it has already read (off the route, or before a detour) is not read again.
    while (next < finalIndex && steps[next]?.tool === "read_file" && read.has(readPath(steps[next]))) next++;
    const step = steps[next];
    if (!step) throw new Error(`sim: task ${task.id} has no reference steps`);
    const atEnd = next === finalIndex;
    if (!atEnd) {
      const justEdited = lastExecuted?.ok === true && (lastExecuted.call.tool === "edit_file" || lastExecuted.call.tool === "write_file");
      const factor = justEdited ? 3 : step.tool === "edit_file" ? 2 : 1;
      if (draw("stop") < b.stop * factor) return stop(request);
    }
    if (lastExecuted && draw("loop") < b.loop) {
      looping = lastExecuted.call;
      return emit({ call: looping, role: "loop" }, situation, tokens, request);
    }
    if (!atEnd && draw("detour") < b.detour) {
      const call = detour(task, draw, read);
      if (call) return emit({ call, role: "detour" }, situation, tokens, request);
    }
    if ((step.tool === "edit_file" || step.tool === "write_file") && !wrongFileRolled.has(next)) {
      wrongFileRolled.add(next);
      if (draw("wrong-file") < b.wrongFile) {
        const wrong = wrongTarget(task, step);
        if (wrong) return emit({ call: wrong, role: "wrong_file" }, situation, tokens, request);
      }
    }
    return emit({ call: step, role: "plan" }, situation, tokens, request);
  };

  return {
    spec: params.spec,
    info: async () => info,
    async complete(request: ModelRequest): Promise<ModelReply> {
      if (request.signal?.aborted) throw new ModelError("aborted", "the model request was cancelled", "");
      const tokens = countTokens(request.messages);
      if (tokens > profile.numCtx) {
        throw new ModelError("context_overflow", "the input length exceeds the context length", `the prompt has ~${tokens} tokens and num_ctx is ${profile.numCtx}`);
      }
      if (request.purpose === "summary") {
        const content = recap(task, steps, next, read, edited);
        return { content, promptTokens: tokens, completionTokens: Math.ceil(content.length / CHARS_PER_TOKEN), doneReason: "stop", latencyMs: 0 };
      }
      calls++;
      const situation = readSituation(request.messages);
      absorb(situation.feedback);
      const reply = choose(situation, tokens, request);
      last = { ...reply.sent, content: reply.content };
      const completionTokens = reply.doneReason === "length" ? (request.maxTokens ?? 2048) : Math.ceil(reply.content.length / CHARS_PER_TOKEN);
      return { content: reply.content, doneReason: reply.doneReason ?? "stop", promptTokens: tokens, completionTokens, latencyMs: 0 };
    },
  };
}

function isReadOnly(call: ToolCall): boolean {
  return call.tool === "read_file" || call.tool === "search" || call.tool === "list_files" || call.tool === "run_tests";
}

function readPath(call: ToolCall | undefined): string {
  return call?.tool === "read_file" ? call.args.path : "";
}

function countTokens(messages: readonly ChatMessage[]): number {
  return Math.ceil(messages.reduce((sum, message) => sum + message.content.length, 0) / CHARS_PER_TOKEN) + 4 * messages.length;
}

/** How much likelier a malformed reply is at this fill than at 4k tokens, from the profile's curve. */
function fillMultiplier(profile: SimProfile, tokens: number): number {
  const curve = profile.published.fill;
  const first = curve[0];
  if (!first) return 1;
  const invalidAt = (t: number): number => {
    if (t <= first[0]) return 1 - first[1];
    for (let i = 1; i < curve.length; i++) {
      const [t1, v1] = curve[i - 1] ?? first;
      const [t2, v2] = curve[i] ?? first;
      if (t <= t2) return 1 - (v1 + ((v2 - v1) * (t - t1)) / (t2 - t1));
    }
    return 1 - (curve[curve.length - 1]?.[1] ?? first[1]);
  };
  const base = Math.max(0.001, 1 - first[1]);
  return Math.max(1, invalidAt(tokens) / base);
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}

/** Whether a tool result says the call worked, from how the tools word it (src/protocol/tool-messages.ts). */
function observationOk(call: ToolCall, text: string): boolean {
  const starts = (...openings: string[]) => openings.some((opening) => text.startsWith(opening));
  switch (call.tool) {
    case "read_file":
      // A range error is one line; a read shows its header line first.
      return !starts(TOOL_RESULT.cannotRead) && ![TOOL_RESULT.pastTheEnd, TOOL_RESULT.beforeStart].some((mark) => firstLine(text).includes(mark));
    case "search":
      return !starts(TOOL_RESULT.noMatches, TOOL_RESULT.cannotSearch, TOOL_RESULT.searchFailed);
    case "edit_file":
      return starts(TOOL_RESULT.edited) || text === "";
    case "write_file":
      return starts(TOOL_RESULT.created, TOOL_RESULT.replaced) || text === "";
    case "list_files":
      return !starts(TOOL_RESULT.noFiles, TOOL_RESULT.cannotList);
    default:
      return true;
  }
}

/** A well-formed call with a plausible mistake in it: what a grammar cannot prevent. */
function slip(call: ToolCall, draw: (label: string) => number): ToolCall {
  switch (call.tool) {
    case "read_file": {
      const path = call.args.path;
      const wrong = /\.js$/.test(path) ? path.replace(/\.js$/, ".ts") : /\.ts$/.test(path) ? path.replace(/\.ts$/, ".js") : path.replace(/\.py$/, "s.py");
      return { ...call, args: { ...call.args, path: wrong } };
    }
    case "edit_file": {
      const old = call.args.old_text;
      const at = Math.max(1, Math.floor(old.length * (0.3 + 0.4 * draw("slip-at"))));
      // A misremembered character: the edit tool reports the closest lines and the model retries.
      const swapped = old.slice(0, at) + (old[at] === "_" ? "-" : "_") + old.slice(at + 1);
      return { ...call, args: { ...call.args, old_text: swapped } };
    }
    case "search":
      return { ...call, args: { ...call.args, pattern: `${call.args.pattern}_` } };
    default:
      return call;
  }
}

/** A reply that degenerates into repetition inside its first string until the token limit cuts it. */
function cutOff(call: ToolCall, maxTokens: number): string {
  const start = `{"thought": "${call.thought ?? "Let me think about this."} `;
  const filler = "I need to look at this carefully before I decide which tool to call. ";
  const chars = Math.min(maxTokens, 4096) * CHARS_PER_TOKEN;
  return (start + filler.repeat(Math.ceil(chars / filler.length))).slice(0, chars);
}

/** An exploratory call off the shortest route: list a folder, read or search something else. */
function detour(task: SimTask, draw: (label: string) => number, alreadyRead: ReadonlySet<string>): ToolCall | null {
  const u = draw("detour-kind");
  if (u < 0.25) {
    const folders = [...new Set(task.files.map((file) => file.split("/").slice(0, -1).join("/")).filter(Boolean))];
    const folder = folders[Math.floor(draw("detour-folder") * folders.length)];
    return { thought: "See what else is in the repository.", tool: "list_files", args: folder ? { path: folder } : {} };
  }
  if (u < 0.45) {
    const words = task.title.split(/[^A-Za-z0-9_]+/).filter((word) => word.length >= 5);
    const word = words[Math.floor(draw("detour-word") * words.length)];
    if (word) return { thought: `Look for ${word}.`, tool: "search", args: { pattern: word } };
  }
  // Off the route: files the reference steps never touch (a file on the route would be read anyway).
  const route = new Set(task.steps.flatMap((step) => ("path" in step.args && typeof step.args.path === "string" ? [step.args.path] : [])));
  const candidates = task.files.filter((file) => !alreadyRead.has(file) && !route.has(file) && /\.(js|ts|py|md)$/.test(file));
  const file = candidates[Math.floor(draw("detour-file") * candidates.length)];
  return file ? { thought: `Check ${file} too.`, tool: "read_file", args: { path: file } } : null;
}

/** The same edit aimed at the wrong file: the decoy when the task has one, else a sibling file. */
function wrongTarget(task: SimTask, step: ToolCall): ToolCall | null {
  if (step.tool !== "edit_file") return null;
  const decoy = task.decoys[0];
  if (decoy) return { ...step, args: { ...step.args, path: decoy } };
  const target = step.args.path;
  const folder = target.split("/").slice(0, -1).join("/");
  const extension = /\.[^.]+$/.exec(target)?.[0] ?? "";
  const sibling = task.files.find((file) => file !== target && file.endsWith(extension) && file.split("/").slice(0, -1).join("/") === folder);
  return sibling ? { ...step, args: { ...step.args, path: sibling } } : null;
}

/** The scrollback recap a small model writes when asked: short, factual, from what it did. */
function recap(task: SimTask, steps: readonly ToolCall[], next: number, read: ReadonlySet<string>, edited: readonly string[]): string {
  const upcoming = steps[Math.min(next, steps.length - 1)];
  return [
    `Working on: ${task.title}.`,
    read.size ? `Read: ${[...read].join(", ")}.` : "Nothing read yet.",
    edited.length ? `Changed: ${[...new Set(edited)].join(", ")}.` : "No file changed yet.",
    upcoming ? `Next: ${upcoming.tool}${"path" in upcoming.args && typeof upcoming.args.path === "string" ? ` ${upcoming.args.path}` : ""}.` : "",
  ].join(" ");
}

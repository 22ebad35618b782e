/**
 * What a webhook asks of us, read from the payload alone (no API calls, so the handler can store
 * it and answer GitHub at once). Authorization happens later, in the job's intake.
 */
export type Trigger =
  | {
      kind: "run";
      /** How it was asked for: the trigger label, or a `/fix` comment. */
      via: "label" | "comment";
      target: "issue" | "pull_request";
      number: number;
      actor: { login: string; id: number };
      /** Text after `/fix` (the comment's extra instructions), or null. */
      instructions: string | null;
      commentId: number | null;
    }
  | { kind: "cancel"; via: "unlabel" | "comment"; target: "issue" | "pull_request"; number: number; actor: { login: string; id: number }; commentId: number | null }
  | { kind: "ignore"; reason: string };

interface User {
  login?: string;
  id?: number;
  type?: string;
}

export interface TriggerPayload {
  action?: string;
  label?: { name?: string };
  sender?: User;
  issue?: { number?: number; pull_request?: unknown; user?: User };
  comment?: { id?: number; body?: string; user?: User };
}

const FIX = /^\s*\/fix\b[ \t]*([^\n]*)(?:\n([\s\S]*))?$/;
const CANCEL = /^\s*\/cancel\b/;

/** Reads `issues.labeled|unlabeled` and `issue_comment.created` payloads into a trigger. */
export function parseTrigger(params: { event: string; payload: TriggerPayload; label: string }): Trigger {
  const { event, payload } = params;
  const sender = payload.sender ?? {};
  if (isBot(sender)) return { kind: "ignore", reason: `sender ${sender.login ?? "?"} is a bot` };
  const number = payload.issue?.number;
  if (typeof number !== "number") return { kind: "ignore", reason: "the payload has no issue number" };
  const target = payload.issue?.pull_request ? "pull_request" : "issue";
  const actor = { login: sender.login ?? "", id: sender.id ?? 0 };
  if (actor.login === "") return { kind: "ignore", reason: "the payload has no sender" };

  if (event === "issues") {
    if (payload.label?.name !== params.label) return { kind: "ignore", reason: `label "${payload.label?.name ?? ""}" is not the trigger label` };
    if (payload.action === "labeled") return { kind: "run", via: "label", target, number, actor, instructions: null, commentId: null };
    if (payload.action === "unlabeled") return { kind: "cancel", via: "unlabel", target, number, actor, commentId: null };
    return { kind: "ignore", reason: `issues.${payload.action ?? "?"} is not a trigger` };
  }
  if (event === "issue_comment") {
    // Edited comments never trigger: someone could edit an old /fix into a new instruction.
    if (payload.action !== "created") return { kind: "ignore", reason: `issue_comment.${payload.action ?? "?"} is not a trigger` };
    if (isBot(payload.comment?.user ?? {})) return { kind: "ignore", reason: "the comment's author is a bot" };
    const body = (payload.comment?.body ?? "").replace(/\r\n?/g, "\n");
    const commentId = payload.comment?.id ?? null;
    const fix = FIX.exec(body);
    if (fix) {
      const instructions = [fix[1] ?? "", fix[2] ?? ""].join("\n").trim();
      return { kind: "run", via: "comment", target, number, actor, instructions: instructions === "" ? null : instructions, commentId };
    }
    if (CANCEL.test(body)) return { kind: "cancel", via: "comment", target, number, actor, commentId };
    return { kind: "ignore", reason: "the comment is not a command" };
  }
  return { kind: "ignore", reason: `${event} events are not triggers` };
}

function isBot(user: User): boolean {
  return user.type === "Bot" || (user.login ?? "").endsWith("[bot]");
}

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

/**
 * A command is the first non-blank line of the comment, at column 0, as a whole word followed by
 * a space, a tab or the end of the line. So `/fix` quoted, fenced, in a 4-space indented code
 * block, after a no-break space, mid-sentence, or as `/fix-me` or `/fixit` is not a command.
 */
const COMMAND = /^\/(fix|cancel)(?:[ \t]+([^\n]*))?$/;

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
    const lines = body.split("\n");
    const first = lines.findIndex((line) => !/^[ \t]*$/.test(line));
    const command = first < 0 ? null : COMMAND.exec((lines[first] ?? "").replace(/[ \t]+$/, ""));
    if (command?.[1] === "fix") {
      const instructions = [command[2] ?? "", ...lines.slice(first + 1)].join("\n").trim();
      return { kind: "run", via: "comment", target, number, actor, instructions: instructions === "" ? null : instructions, commentId };
    }
    if (command?.[1] === "cancel") return { kind: "cancel", via: "comment", target, number, actor, commentId };
    return { kind: "ignore", reason: "the comment is not a command" };
  }
  return { kind: "ignore", reason: `${event} events are not triggers` };
}

function isBot(user: User): boolean {
  return user.type === "Bot" || (user.login ?? "").endsWith("[bot]");
}

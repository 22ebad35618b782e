import { z } from "zod";

/**
 * The one rule for what a job's task says (shared by `/fix`, the label and review iteration):
 * the text is frozen when the job is triggered, from the triggering webhook's payload (the issue
 * or pull request as it was when the writer asked, plus the writer's own comment), and stored
 * with the job. Text fetched later is never used: a pull request's author must not be able to
 * widen "Allowed files" or change the task after a maintainer said `/fix`.
 */
const text = z.preprocess((value) => (typeof value === "string" ? value : ""), z.string());
export const FrozenTaskTextSchema = z.object({
  /** The issue's or pull request's title at trigger time. */
  title: text,
  /** Its body at trigger time ("" when it had none). */
  body: text,
  /** Its labels at trigger time (they decide question or change). */
  labels: z.preprocess((value) => (Array.isArray(value) ? value.filter((label) => typeof label === "string") : []), z.array(z.string())),
});
export type FrozenTaskText = z.output<typeof FrozenTaskTextSchema>;

/** The fields of an `issues` or `issue_comment` payload the task is frozen from. */
export interface TaskTextPayload {
  issue?: { title?: string; body?: string | null; labels?: ({ name?: string } | string)[] };
}

/** Freezes the task text from the triggering payload (call in the webhook handler, before anything is fetched). */
export function freezeTaskText(payload: TaskTextPayload): FrozenTaskText {
  const issue = payload.issue ?? {};
  return {
    title: issue.title ?? "",
    body: issue.body ?? "",
    labels: (issue.labels ?? []).map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter(Boolean),
  };
}

/** The frozen task text stored with a job (its `payload`); a missing or malformed field reads as empty. */
export function readFrozenTaskText(stored: Record<string, unknown>): FrozenTaskText {
  return FrozenTaskTextSchema.parse({ title: stored.title, body: stored.body, labels: stored.labels });
}

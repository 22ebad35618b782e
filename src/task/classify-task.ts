export type TaskKind = "change" | "question";

const QUESTION_LABELS = /^(question|q&a|qa|discussion|help wanted: question|how[- ]to)$/i;
const CHANGE_LABELS = /^(bug|enhancement|feature|fix|refactor|chore|regression|local-agent:change)$/i;
const QUESTION_START =
  /^(how|what|why|where|which|who|when|does|do|is|are|can|could|should|would|will|explain|describe|list|count|tell me|show me)\b/i;
const CHANGE_VERB =
  /\b(fix|add|implement|change|rename|update|remove|delete|refactor|make|support|handle|correct|replace|move|write|create|bump|migrate|return|throw|raise)\b/i;

/**
 * Decides whether a task is a question (read-only route: read tools + `answer`, nothing written)
 * or a change. Rules only, no model call, so a prompt-injected issue cannot talk its way into
 * write tools, and the decision is explainable.
 */
export function classifyTask(params: {
  title: string;
  body: string;
  labels?: readonly string[];
  hasAllowedFiles: boolean;
}): { kind: TaskKind; reason: string } {
  const labels = params.labels ?? [];
  const questionLabel = labels.find((label) => QUESTION_LABELS.test(label.trim()));
  if (questionLabel) return { kind: "question", reason: `label "${questionLabel}"` };
  const changeLabel = labels.find((label) => CHANGE_LABELS.test(label.trim()));
  if (changeLabel) return { kind: "change", reason: `label "${changeLabel}"` };
  if (params.hasAllowedFiles) return { kind: "change", reason: "the issue names allowed files" };
  const title = params.title.trim();
  const asks = title.endsWith("?") || QUESTION_START.test(title);
  if (asks && !(CHANGE_VERB.test(title) && !title.endsWith("?"))) {
    return { kind: "question", reason: "the title asks a question and no allowed files are named" };
  }
  return { kind: "change", reason: "the title asks for a change" };
}

import { redactSecrets } from "../redact-secrets.js";
import { cutMarkdown } from "./cut-markdown.js";
import { escapeUntrusted } from "./escape-untrusted.js";
import { neutralizeClosingReferences } from "./neutralize-closing-references.js";

/** GitHub's limit for issue and pull request bodies and comments. */
export const GITHUB_BODY_LIMIT = 65_536;
/** GitHub's limit for a check run's output summary and text. */
export const GITHUB_CHECK_OUTPUT_LIMIT = 65_535;

/** Markdown that went through `renderForGitHub`; the only kind the GitHub API helpers accept. */
export type GitHubMarkdown = string & { readonly __renderedForGitHub: true };

/**
 * One piece of a message, by who wrote it:
 * - `own`: the app's own wording (headings, hints, the footer): kept whole, never cut;
 * - `untrusted`: text the app did not write (the model's summary or answer, an error, a file
 *   name): escaped (`escapeUntrusted`) and capped at `max` characters;
 * - `markdown`: markdown whose untrusted fields its renderer already escaped (the reliability
 *   report, a config error): cut at a line boundary when it does not fit, `note` saying where the
 *   rest is.
 * Every piece, the app's own included, also loses closing references and secrets.
 */
export type GitHubPart =
  | { own: string }
  | { untrusted: string; style: "inline" | "quote"; max: number }
  | { markdown: string; max?: number; note?: string };

/**
 * The one renderer for everything the app posts to GitHub (comments, pull request bodies, check
 * run output, thread replies). Caps the untrusted parts so that the app's own parts always fit
 * within `limit`, and makes every closing reference inert except the app's own `Fixes #n`
 * (`closes`), which leads the text.
 */
export function renderForGitHub(params: { parts: readonly GitHubPart[]; secrets: readonly string[]; limit?: number; closes?: number | null }): GitHubMarkdown {
  const limit = params.limit ?? GITHUB_BODY_LIMIT;
  const lead = params.closes ? `Fixes #${params.closes}\n\n` : "";
  const clean = (text: string) => neutralizeClosingReferences(redactSecrets(text, params.secrets));
  const own = params.parts.reduce((sum, part) => sum + ("own" in part ? clean(part.own).length : 0), lead.length);
  let room = limit - own;
  const rendered = params.parts.map((part) => {
    if ("own" in part) return clean(part.own);
    if ("untrusted" in part) {
      // Secrets first: escaping could change a secret's exact spelling.
      const text = neutralizeClosingReferences(escapeUntrusted(redactSecrets(part.untrusted, params.secrets), part.style));
      const max = Math.max(0, Math.min(part.max, room));
      const fitted = text.length <= max ? text : clipUntrusted(text, max, part.style);
      room -= fitted.length;
      return fitted;
    }
    const text = clean(part.markdown);
    const fitted = cutMarkdown({ text, max: Math.max(0, Math.min(part.max ?? Infinity, room)), note: part.note ?? "the full report is in the check run" });
    room -= fitted.length;
    return fitted;
  });
  const body = `${lead}${rendered.join("")}`;
  // The budget above keeps every body within the limit; this only guards against a bug in it.
  return (body.length <= limit ? body : body.slice(0, limit)) as GitHubMarkdown;
}

/** A plain one-line text (a check run or pull request title, a commit subject): no markdown is rendered there. */
export function renderPlainLine(params: { text: string; max: number; secrets: readonly string[] }): string {
  const line = neutralizeClosingReferences(redactSecrets(params.text, params.secrets)).replace(/\s+/g, " ").trim();
  return line.length <= params.max ? line : `${line.slice(0, Math.max(0, params.max - 1))}…`;
}

function clipUntrusted(text: string, max: number, style: "inline" | "quote"): string {
  const marker = style === "quote" ? `\n>\n> … (${text.length} characters; cut to fit)` : ` … (cut)`;
  if (max <= marker.length) return "";
  // Never cut inside the zero-width space that keeps a mention or a reference inert.
  let kept = text.slice(0, max - marker.length);
  while (/[@#:-]$/.test(kept)) kept = kept.slice(0, -1);
  return `${kept}${marker}`;
}

import { GITHUB_CHECK_OUTPUT_LIMIT, renderForGitHub, renderPlainLine, type GitHubMarkdown, type GitHubPart } from "./render-for-github.js";

/** A check run's output as GitHub takes it: a plain title, markdown summary and text. */
export interface CheckOutput {
  title: string;
  summary: GitHubMarkdown;
  text?: GitHubMarkdown;
}

/** Renders a check run's output through the one renderer, each field within GitHub's limit. */
export function renderCheckOutput(params: { title: string; summary: readonly GitHubPart[]; text?: readonly GitHubPart[]; secrets: readonly string[] }): CheckOutput {
  const limit = GITHUB_CHECK_OUTPUT_LIMIT;
  return {
    title: renderPlainLine({ text: params.title, max: 200, secrets: params.secrets }),
    summary: renderForGitHub({ parts: params.summary, secrets: params.secrets, limit }),
    ...(params.text ? { text: renderForGitHub({ parts: params.text, secrets: params.secrets, limit }) } : {}),
  };
}

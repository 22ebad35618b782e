import type { IssueState } from "../github/api/get-issue-state.js";
import type { PullRequestInfo } from "../github/api/get-pull-request.js";
import type { Job } from "../jobs/job-schema.js";

export type TargetVerdict =
  | { ok: true }
  /** Refused with one comment per target and reason (`key`), `what`/`hint` in the app's words. */
  | { ok: false; kind: "refuse"; key: string; what: string; hint: string }
  /** Nothing to say: the request was withdrawn before the job started. */
  | { ok: false; kind: "cancel"; reason: string };

/**
 * Is the target still one to work on, judged at intake on its state now (not the payload's):
 * closed, merged and locked targets are refused; so are pull requests from forks, because the
 * job would push the fork's commits into this repository, where its `push` and `pull_request`
 * workflows run them with this repository's secrets (which GitHub's approval for fork pull
 * requests exists to prevent). A label job whose label is gone was withdrawn: an `unlabeled`
 * delivered before its `labeled` must not start a run.
 */
export function checkTarget(params: { job: Job; issue: IssueState; pr: PullRequestInfo | null; label: string }): TargetVerdict {
  const { job, issue, pr } = params;
  const kind = job.target === "pull_request" ? "pull request" : "issue";
  const at = `${job.repo}#${job.number}`;
  if (pr?.merged) {
    return { ok: false, kind: "refuse", key: `merged:${at}`, what: "this pull request is already merged.", hint: "Open an issue for further changes and add the label there." };
  }
  if (issue.state !== "open" || (pr && pr.state !== "open")) {
    return { ok: false, kind: "refuse", key: `closed:${at}`, what: `this ${kind} is closed.`, hint: `Reopen it, then comment \`/fix\` or add the \`${params.label}\` label again.` };
  }
  if (issue.locked || pr?.locked) {
    return {
      ok: false,
      kind: "refuse",
      key: `locked:${at}`,
      what: `this ${kind}'s conversation is locked, so nobody could discuss what the agent did.`,
      hint: `Unlock the conversation, then comment \`/fix\` or add the \`${params.label}\` label again.`,
    };
  }
  if (pr && (pr.headRepo === null || pr.headRepo.toLowerCase() !== job.repo.toLowerCase())) {
    return {
      ok: false,
      kind: "refuse",
      key: `fork:${at}`,
      what: `this pull request comes from ${pr.headRepo ? `the fork \`${pr.headRepo}\`` : "a fork that was deleted"}. local-agent does not run on fork pull requests: it would push the fork's commits into this repository, where its workflows would run them with this repository's secrets.`,
      hint: "Open an issue that describes the change (with its allowed files) and add the label there, or push the branch to this repository, open a pull request from it and comment `/fix` on that one.",
    };
  }
  if (job.trigger === "label" && !issue.labels.some((name) => name.toLowerCase() === params.label.toLowerCase())) {
    return { ok: false, kind: "cancel", reason: `the \`${params.label}\` label was removed before the job started` };
  }
  return { ok: true };
}

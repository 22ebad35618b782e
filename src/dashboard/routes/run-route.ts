import { splitRepo } from "../../github/api/github-client.js";
import type { StoredRun } from "../../store/run-store-schema.js";
import { renderMessagePage } from "../render-message-page.js";
import { renderRunPage } from "../render-run-page.js";
import type { RequestContext } from "../request-context.js";
import { requireViewer } from "./require-viewer.js";

/** `GET /local-agent/runs/:id`, `.json` and `/transcript.jsonl`: one run, if the viewer may see its repository. */
export async function runRoute(ctx: RequestContext, id: number, format: "page" | "data" | "transcript"): Promise<void> {
  if (!requireViewer(ctx, format === "page" ? "page" : "data")) return;
  const run = ctx.shared.deps.runs.get(id);
  // Not found and not allowed look the same: a run id says nothing about private repositories.
  if (!run || !(await ctx.mayAccess(run.repo, run.installationId))) {
    if (format !== "page") return ctx.json(404, { error: `no run ${id} that you can see` });
    return ctx.page({ status: 404, title: "Run not found", section: "runs", body: renderMessagePage({ heading: "Run not found", text: `There is no run ${id}, or you do not have write access to its repository.`, action: { href: "/local-agent/runs", label: "All runs" } }) });
  }
  if (format === "transcript") {
    const transcript = ctx.shared.deps.runs.transcript(id);
    if (transcript === null) return ctx.json(404, { error: `run ${id} has no recorded transcript` });
    return ctx.text(200, transcript, "application/x-ndjson; charset=utf-8", { "content-disposition": `attachment; filename="run-${id}.transcript.jsonl"` });
  }
  const withPr = await findPullRequest(ctx, run);
  if (format === "data") return ctx.json(200, { run: withPr });
  ctx.page({ title: `Run ${id}`, section: "runs", body: renderRunPage(withPr) });
}

/**
 * The pull request an issue run's branch became: it is opened after the run is stored, so the
 * first view looks it up (by head branch) and remembers it; a miss is retried after five minutes.
 */
async function findPullRequest(ctx: RequestContext, run: StoredRun): Promise<StoredRun> {
  const { shared } = ctx;
  if (run.pullRequestUrl || run.source !== "app" || run.target !== "issue" || !run.branch || run.installationId === null) return run;
  const retryAt = shared.prMisses.get(run.id);
  if (retryAt !== undefined && retryAt > shared.deps.now().getTime()) return run;
  try {
    const client = await shared.deps.installationClient(run.installationId);
    const { owner, repo } = splitRepo(run.repo);
    const { data } = await client.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, head: `${owner}:${run.branch}`, state: "all", per_page: 1 });
    const url = data[0]?.html_url;
    if (url) {
      shared.deps.runs.setPullRequestUrl(run.id, url);
      return { ...run, pullRequestUrl: url };
    }
  } catch (error) {
    shared.deps.log.debug({ run: run.id, err: error instanceof Error ? error.message : String(error) }, "could not look up the run's pull request");
  }
  shared.prMisses.set(run.id, shared.deps.now().getTime() + 5 * 60_000);
  return run;
}

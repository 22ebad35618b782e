import type { Outcome } from "../../report/report-schema.js";
import type { RunSummary } from "../../store/run-store-schema.js";
import { OUTCOMES } from "../outcomes.js";
import { renderRunsPage } from "../render-runs-page.js";
import type { RequestContext } from "../request-context.js";
import { requireViewer } from "./require-viewer.js";

const PAGE = 100;

/** `GET /local-agent/runs` and `/local-agent/runs.json`: newest first, filtered; a signed-in user sees the repositories they can write to. */
export async function runsListRoute(ctx: RequestContext, format: "page" | "data"): Promise<void> {
  if (!requireViewer(ctx, format)) return;
  const { runs } = ctx.shared.deps;
  const repo = ctx.url.searchParams.get("repo")?.trim() || null;
  const outcomeParam = ctx.url.searchParams.get("outcome");
  const outcome = OUTCOMES.find((candidate) => candidate === outcomeParam) ?? null;
  const before = Number(ctx.url.searchParams.get("before"));
  const access = new Map<string, Promise<boolean>>();
  const may = (name: string) => {
    const key = name.toLowerCase();
    if (!access.has(key)) access.set(key, ctx.mayAccess(name, null));
    return access.get(key) ?? Promise.resolve(false);
  };
  // A user's filter can hide most rows: read further back so a page is still full.
  const candidates = runs.list({
    ...(repo ? { repo } : {}),
    ...(outcome ? { outcome: outcome as Outcome } : {}),
    ...(Number.isSafeInteger(before) && before > 0 ? { beforeId: before } : {}),
    limit: ctx.viewer.kind === "local" ? PAGE + 1 : 1000,
  });
  const visible: RunSummary[] = [];
  for (const run of candidates) {
    if (visible.length > PAGE) break;
    if (await may(run.repo)) visible.push(run);
  }
  const page = visible.slice(0, PAGE);
  const repos: string[] = [];
  for (const name of runs.repos()) if (await may(name)) repos.push(name);
  const last = page.at(-1);
  const olderHref =
    visible.length > PAGE && last
      ? `/local-agent/runs?${new URLSearchParams({ ...(repo ? { repo } : {}), ...(outcome ? { outcome } : {}), before: String(last.id) }).toString()}`
      : null;
  if (format === "data") return ctx.json(200, { runs: page, older: olderHref });
  ctx.page({ title: "Runs", section: "runs", body: renderRunsPage({ runs: page, repos, repo, outcome, olderHref }) });
}

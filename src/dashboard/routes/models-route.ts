import { readNvidiaSmi } from "../../preflight/read-nvidia-smi.js";
import { inspectModelHosts } from "../inspect-model-hosts.js";
import { renderModelsPage } from "../render-models-page.js";
import { renderMessagePage } from "../render-message-page.js";
import type { RequestContext } from "../request-context.js";
import { requireViewer } from "./require-viewer.js";

/**
 * `GET /local-agent/models` and `.json`: the model servers and this machine's GPUs. A remote
 * viewer must have write access to at least one repository the app has worked on: the box's
 * addresses and load are the team's business, not the internet's.
 */
export async function modelsRoute(ctx: RequestContext, format: "page" | "data"): Promise<void> {
  if (!requireViewer(ctx, format)) return;
  if (ctx.viewer.kind === "user") {
    let allowed = false;
    for (const repo of ctx.shared.deps.runs.repos()) if (!allowed && (await ctx.mayAccess(repo, null))) allowed = true;
    for (const job of ctx.shared.deps.store.list({ order: "desc", limit: 50 })) if (!allowed && (await ctx.mayAccess(job.repo, job.installationId))) allowed = true;
    if (!allowed) {
      const text = "The models page is for people with write access to a repository this app works on.";
      if (format === "data") return ctx.json(403, { error: text });
      return ctx.page({ status: 403, title: "Models", section: "models", body: renderMessagePage({ heading: "Not available", text }) });
    }
  }
  const { workers } = ctx.shared.deps;
  const [hosts, gpus, boxes] = await Promise.all([
    inspectModelHosts(ctx.shared.deps),
    readNvidiaSmi({ env: ctx.shared.deps.env }),
    // Redis unreachable is shown as such, not as a failed page.
    workers ? workers.modelHosts().catch((error: unknown) => (error instanceof Error ? error.message : String(error))) : null,
  ]);
  const checkedAt = ctx.shared.deps.now().toISOString();
  if (format === "data") return ctx.json(200, { hosts, gpus, boxes, checkedAt });
  ctx.page({ title: "Models", section: "models", body: renderModelsPage({ hosts, gpus, boxes, checkedAt }) });
}

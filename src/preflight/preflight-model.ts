import type { JobLogger } from "../jobs/job-schema.js";
import type { LoadedModelState } from "../model/loaded-model-state.js";
import { ModelError } from "../model/model-error.js";
import type { ModelBackend } from "../model/types.js";
import { judgeLoadedModel, type Finding } from "./judge-loaded-model.js";

export type PreflightResult =
  | { ok: true; findings: Finding[] }
  /** `what` and `hint` are worded for the job's failure comment. */
  | { ok: false; what: string; hint: string; findings: Finding[] };

/**
 * A job's preflight: loads the model the way the run will use it and reads what the server really
 * allocated, so a context smaller than the run's `num_ctx` fails now, with the figures and the
 * remedy, instead of an hour later. Model-server errors (down, model not pulled, a load that
 * stalls past the request limits) propagate as the run would have raised them; a server that
 * cannot report its loaded state only adds a note.
 */
export async function preflightModel(params: { model: ModelBackend; signal?: AbortSignal; log?: JobLogger }): Promise<PreflightResult> {
  const info = await params.model.info(params.signal);
  if (!params.model.inspectLoaded) return { ok: true, findings: [] };
  let state: LoadedModelState | null = null;
  const findings: Finding[] = [];
  try {
    state = await params.model.inspectLoaded({ warmUp: true, signal: params.signal });
  } catch (error) {
    // Stopped by the request guard: a server that stalls loading the model would stall the run
    // the same way, so the job ends now, with what the server did and what to check.
    if (params.signal?.aborted || isGuardStop(error)) throw error;
    findings.push({ level: "info", text: `could not read what the model server has loaded: ${error instanceof Error ? error.message : String(error)}`, remedy: null });
  }
  findings.push(...judgeLoadedModel({ info, state, gpus: null, warmedUp: true }));
  for (const finding of findings) {
    if (finding.level === "warn" || finding.level === "fail") params.log?.warn({ model: info.spec, remedy: finding.remedy }, finding.text);
  }
  const failed = findings.find((finding) => finding.level === "fail");
  if (!failed) return { ok: true, findings };
  return { ok: false, what: failed.text, hint: `${capitalize(failed.remedy ?? "check the model server")}, then comment \`/fix\`.`, findings };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isGuardStop(error: unknown): boolean {
  return error instanceof ModelError && (error.code === "deadline" || error.code === "stalled");
}

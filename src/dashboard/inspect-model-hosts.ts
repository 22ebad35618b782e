import type { LoadedModelState } from "../model/loaded-model-state.js";
import { ModelError } from "../model/model-error.js";
import type { ModelInfo } from "../model/types.js";
import { judgeLoadedModel, type Finding } from "../preflight/judge-loaded-model.js";
import type { DashboardDeps } from "./dashboard-deps.js";
import type { ModelHostView } from "./model-host-view.js";

/**
 * Reads every model the app may use (LOCAL_AGENT_MODEL and the allowlist) from its server: what
 * it says about the model and what it has loaded. Looking only: nothing is loaded or unloaded.
 */
export async function inspectModelHosts(deps: Pick<DashboardDeps, "config" | "createModel">, timeoutMs = 5_000): Promise<ModelHostView[]> {
  const specs = [...new Set([deps.config.model, ...deps.config.modelAllowlist])];
  return Promise.all(
    specs.map(async (spec): Promise<ModelHostView> => {
      const shown = spec.replace(/(https?:\/\/)[^/@\s]+@/gi, "$1***@");
      const signal = AbortSignal.timeout(timeoutMs);
      let info: ModelInfo | null = null;
      let state: LoadedModelState | null = null;
      const findings: Finding[] = [];
      try {
        const model = deps.createModel({ spec, recordFile: null });
        info = await model.info(signal);
        for (const warning of info.warnings) findings.push({ level: "warn", text: warning, remedy: null });
        if (model.inspectLoaded) state = await model.inspectLoaded({ warmUp: false, signal });
        else findings.push({ level: "info", text: `${info.backend} models have no server whose loaded state could be read`, remedy: null });
      } catch (error) {
        return { spec: shown, info, state, error: error instanceof ModelError ? error.describe() : error instanceof Error ? error.message : String(error), findings };
      }
      if (info) findings.push(...judgeLoadedModel({ info, state, gpus: null, warmedUp: false }));
      return { spec: shown, info, state, error: null, findings };
    }),
  );
}

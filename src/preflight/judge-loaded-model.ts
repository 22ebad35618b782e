import type { LoadedModelState } from "../model/loaded-model-state.js";
import type { ModelInfo } from "../model/types.js";
import type { GpuFacts } from "./gpu-facts.js";

export type FindingLevel = "ok" | "info" | "warn" | "fail";

export interface Finding {
  /** `fail`: the run would break; `warn`: it would be slow or fragile; `info`/`ok`: facts. */
  level: FindingLevel;
  /** What is the case, with the figures. */
  text: string;
  /** What to do about it, or null. */
  remedy: string | null;
}

/** Past this share of GPU memory in use, latency spikes (DESIGN §1). */
const VRAM_PRESSURE = 0.9;

/**
 * Compares what the model server really loaded with what a run will ask for, and says so with
 * the figures and the remedy: a context smaller than `num_ctx` (the run would fail once the
 * conversation outgrows it), a model partly in CPU memory (every turn several times slower), a
 * GPU past 90% memory, busy llama-server slots. Pure: the facts come in, the verdict goes out.
 */
export function judgeLoadedModel(params: { info: ModelInfo; state: LoadedModelState | null; gpus: readonly GpuFacts[] | null; warmedUp: boolean }): Finding[] {
  const { info, state } = params;
  const findings: Finding[] = [];
  const asked = info.numCtx;
  const lower = (n = "N") => `ask for what fits: \`--num-ctx ${n}\` for \`local-agent run\`, LOCAL_AGENT_NUM_CTX=${n} for the app`;
  if (state?.loadError) {
    findings.push({
      level: "fail",
      text: `${serverName(state)} could not load ${info.name}${asked ? ` with a context of ${fmt(asked)} tokens` : ""}: ${state.loadError}`,
      remedy: `free GPU memory (\`ollama ps\` lists what is loaded; \`ollama stop <model>\` unloads it), ${lower()}, or use a smaller quantization`,
    });
  }
  const target = state?.target ?? null;
  if (state && !target && !state.loadError) {
    findings.push({
      level: params.warmedUp ? "warn" : "info",
      text: params.warmedUp ? `${info.name} was loaded but ${serverName(state)} does not list it as loaded` : `${info.name} is not loaded now; ${serverName(state)} loads it on the first call`,
      remedy: null,
    });
  }
  if (target && target.contextLength !== null && asked !== null) {
    if (target.contextLength < asked) {
      findings.push({
        level: "fail",
        text: `${serverName(state)} loaded ${target.name} with a context of ${fmt(target.contextLength)} tokens, but this run asks for ${fmt(asked)} (num_ctx): once the conversation passes ${fmt(target.contextLength)} tokens every call fails`,
        remedy: `give the model the memory it needs (stop other models, see the GPU figures), or ${lower(String(target.contextLength))}`,
      });
    } else {
      findings.push({ level: "ok", text: `${target.name} is loaded with a context of ${fmt(target.contextLength)} tokens (this run asks for ${fmt(asked)})`, remedy: null });
    }
  }
  if (target && target.sizeBytes !== null && target.vramBytes !== null && target.sizeBytes > 0 && target.vramBytes < target.sizeBytes) {
    const onCpu = 1 - target.vramBytes / target.sizeBytes;
    findings.push({
      level: "warn",
      text:
        target.vramBytes === 0
          ? `${target.name} runs entirely on the CPU (${gb(target.sizeBytes)}, none of it in GPU memory): every turn will be many times slower`
          : `only ${gb(target.vramBytes)} of ${target.name}'s ${gb(target.sizeBytes)} are in GPU memory (${Math.round(onCpu * 100)}% on the CPU): every turn will be several times slower`,
      remedy: `free GPU memory, ${lower()} (the KV cache grows with it), or use a smaller quantization`,
    });
  }
  for (const other of state?.loaded ?? []) {
    if (other === target || state?.backend === "llamacpp") continue;
    findings.push({ level: "info", text: `also loaded: ${other.name}${other.vramBytes !== null ? ` (${gb(other.vramBytes)} in GPU memory)` : ""}`, remedy: null });
  }
  if (state?.slots && state.slots.length > 0 && state.slots.every((slot) => slot.busy)) {
    findings.push({ level: "warn", text: `all ${state.slots.length} llama-server slot(s) are busy: a run waits for a free one`, remedy: "start llama-server with more `--parallel` slots, or keep other clients off it" });
  }
  for (const gpu of params.gpus ?? []) {
    const share = gpu.memoryTotalMiB > 0 ? gpu.memoryUsedMiB / gpu.memoryTotalMiB : 0;
    findings.push({
      level: share > VRAM_PRESSURE ? "warn" : "info",
      text: `GPU ${gpu.index} (${gpu.name}): ${fmt(gpu.memoryUsedMiB)} of ${fmt(gpu.memoryTotalMiB)} MiB in use (${Math.round(share * 100)}%)${gpu.utilizationPercent !== null ? `, ${gpu.utilizationPercent}% busy` : ""}${share > VRAM_PRESSURE ? ": past 90% latency spikes" : ""}`,
      remedy: share > VRAM_PRESSURE ? "unload other models or lower the context so the model and its KV cache fit with room to spare" : null,
    });
  }
  for (const note of state?.notes ?? []) findings.push({ level: "info", text: note, remedy: null });
  return findings;
}

function serverName(state: LoadedModelState | null): string {
  return state?.backend === "llamacpp" ? "llama-server" : "Ollama";
}

function fmt(value: number): string {
  return value.toLocaleString("en-US");
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

import { normalizeOllamaHost } from "../../model/ollama/normalize-ollama-host.js";
import { parseModelSpec } from "../../model/parse-model-spec.js";

/** The real server behind a model spec, and the same spec re-pointed at the counting proxy. */
export interface PeerTarget {
  /** The server's origin (Ollama and llama-server both serve OpenAI's API under `/v1`). */
  serverUrl: string;
  /** Model name for the OpenAI API: Ollama's tag; llama-server serves one model under any name. */
  model: string;
  /** Our row's spec and environment, pointed at the proxy so our calls are counted the same way. */
  proxied: (proxyUrl: string, env: NodeJS.ProcessEnv) => { spec: string; env: NodeJS.ProcessEnv };
}

/** Peers run against `ollama:<tag>` or `llamacpp:<url>`; anything else is a clear error. */
export function resolvePeerTarget(spec: string, env: NodeJS.ProcessEnv): { ok: true; target: PeerTarget } | { ok: false; message: string } {
  const parsed = parseModelSpec(spec);
  if (!parsed.ok) return parsed;
  if (parsed.spec.backend === "ollama") {
    const serverUrl = normalizeOllamaHost(env.OLLAMA_HOST ?? "");
    const tag = parsed.spec.tag;
    return { ok: true, target: { serverUrl, model: tag, proxied: (proxyUrl, base) => ({ spec, env: { ...base, OLLAMA_HOST: proxyUrl } }) } };
  }
  if (parsed.spec.backend === "llamacpp") {
    return {
      ok: true,
      target: { serverUrl: parsed.spec.url, model: "local", proxied: (proxyUrl, base) => ({ spec: `llamacpp:${proxyUrl}`, env: base }) },
    };
  }
  return { ok: false, message: `--peer needs one real model server shared by every row: --model ollama:<tag> or llamacpp:<url>, not "${spec}"` };
}

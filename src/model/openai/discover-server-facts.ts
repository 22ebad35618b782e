import { z } from "zod";

export interface ServerFacts {
  /** `llama.cpp b6500-…`, `vLLM 0.11.0`, `Ollama 0.12.9`, when the server says. */
  version: string | null;
  /** llama-server's context per slot (`/props`): the window the prompt must fit. */
  slotContext: number | null;
  /** llama-server's GGUF path (`/props`): it names the quantization. */
  modelPath: string | null;
}

/** The parts of llama-server's `GET /props` we use. */
const PropsSchema = z.object({
  /** `b<build>-<commit>`. */
  build_info: z.string().optional(),
  /** The `-m` path of the loaded GGUF. */
  model_path: z.string().optional(),
  default_generation_settings: z.object({ /** Context of one slot. */ n_ctx: z.number().int().positive().optional() }).optional(),
});
/** vLLM's `GET /version`, Ollama's `GET /api/version`. */
const VersionSchema = z.object({ /** The release. */ version: z.string() });

/** The server's own endpoints must answer quickly or not at all: they are a nicety, not the API. */
const DISCOVERY_TIMEOUT_MS = 5000;

/**
 * What the server tells about itself outside the OpenAI API, from the root its `/v1` hangs off:
 * llama-server's `/props` (build, slot context, GGUF path), vLLM's `/version`, Ollama's
 * `/api/version`. Best effort: every answer that is missing or not the expected shape is ignored.
 */
export async function discoverServerFacts(params: { base: string; fetch: typeof fetch; headers: Record<string, string>; signal?: AbortSignal }): Promise<ServerFacts> {
  const root = params.base.replace(/\/v\d+$/, "");
  const facts: ServerFacts = { version: null, slotContext: null, modelPath: null };
  if (root === params.base) return facts;
  const signal = params.signal ? AbortSignal.any([params.signal, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)]) : AbortSignal.timeout(DISCOVERY_TIMEOUT_MS);
  const get = async (path: string): Promise<unknown> => {
    try {
      const response = await params.fetch(`${root}${path}`, { headers: params.headers, signal });
      return response.ok ? await response.json() : null;
    } catch {
      return null;
    }
  };
  const [props, vllm, ollama] = await Promise.all([get("/props"), get("/version"), get("/api/version")]);
  const llama = PropsSchema.safeParse(props);
  if (llama.success && llama.data.build_info) {
    facts.version = `llama.cpp ${llama.data.build_info}`;
    facts.slotContext = llama.data.default_generation_settings?.n_ctx ?? null;
    facts.modelPath = llama.data.model_path ?? null;
    return facts;
  }
  const v = VersionSchema.safeParse(vllm);
  if (v.success) return { ...facts, version: `vLLM ${v.data.version}` };
  const o = VersionSchema.safeParse(ollama);
  if (o.success) return { ...facts, version: `Ollama ${o.data.version}` };
  return facts;
}

export type ModelSpec =
  | { backend: "ollama"; tag: string }
  | { backend: "llamacpp"; url: string }
  | { backend: "openai"; model: string }
  | { backend: "replay"; file: string }
  | { backend: "sim"; profile: string };

export type ParsedModelSpec = { ok: true; spec: ModelSpec } | { ok: false; message: string };

const FORMS =
  "ollama:<tag> (e.g. ollama:qwen2.5-coder:7b), llamacpp:<url> (e.g. llamacpp:http://127.0.0.1:8080), " +
  "openai:<model> (an OpenAI-compatible server at OPENAI_BASE_URL, e.g. openai:qwen2.5-coder-7b-instruct), replay:<file.jsonl> or sim:<profile>";

/** Parses `--model` / `LOCAL_AGENT_MODEL` (DESIGN §3). */
export function parseModelSpec(text: string): ParsedModelSpec {
  const colon = text.indexOf(":");
  const kind = colon < 0 ? "" : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1).trim();
  if (rest === "") return { ok: false, message: `model spec "${text}" is not one of ${FORMS}` };
  switch (kind) {
    case "ollama":
      if (/\s/.test(rest)) return { ok: false, message: `"${rest}" is not an Ollama model tag` };
      return { ok: true, spec: { backend: "ollama", tag: rest } };
    case "llamacpp":
      try {
        const url = new URL(rest);
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
      } catch {
        return { ok: false, message: `"${rest}" is not an http(s) URL for llama-server, e.g. llamacpp:http://127.0.0.1:8080` };
      }
      return { ok: true, spec: { backend: "llamacpp", url: rest.replace(/\/+$/, "") } };
    case "openai":
      if (/\s/.test(rest)) return { ok: false, message: `"${rest}" is not a model name; give the name the server lists at $OPENAI_BASE_URL/models, e.g. openai:qwen2.5-coder-7b-instruct` };
      return { ok: true, spec: { backend: "openai", model: rest } };
    case "replay":
      return { ok: true, spec: { backend: "replay", file: rest } };
    case "sim":
      return { ok: true, spec: { backend: "sim", profile: rest } };
    default:
      return { ok: false, message: `model spec "${text}" is not one of ${FORMS}` };
  }
}

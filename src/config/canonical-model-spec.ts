import { parseModelSpec } from "../model/parse-model-spec.js";

/**
 * One spelling per model (`llamacpp:http://h:8080/` → `llamacpp:http://h:8080`), so the operator's
 * allowlist and a repository's choice compare equal; or why the text is not a model spec.
 */
export function canonicalModelSpec(text: string): { ok: true; spec: string } | { ok: false; message: string } {
  const parsed = parseModelSpec(text.trim());
  if (!parsed.ok) return { ok: false, message: parsed.message };
  const spec = parsed.spec;
  switch (spec.backend) {
    case "ollama":
      return { ok: true, spec: `ollama:${spec.tag}` };
    case "llamacpp":
      return { ok: true, spec: `llamacpp:${spec.url}` };
    case "openai":
      return { ok: true, spec: `openai:${spec.model}` };
    case "replay":
      return { ok: true, spec: `replay:${spec.file}` };
    case "sim":
      return { ok: true, spec: `sim:${spec.profile}` };
  }
}

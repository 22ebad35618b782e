import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { suppliedTemplate } from "./chat-templates.js";
import type { WeightSpec } from "./lock-schema.js";
import type { RealModelsPaths } from "./real-models-paths.js";
import { runTool } from "./run-tool.js";

/**
 * Imports each GGUF into the running Ollama under its lock tag, by Modelfile (`FROM <file>`),
 * offline. A tag is imported again only when its GGUF's sha256 changed since the last import.
 */
export async function importOllamaModels(params: {
  weights: readonly WeightSpec[];
  paths: RealModelsPaths;
  ollama: string;
  host: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<void> {
  const { paths } = params;
  const record = path.join(paths.ollamaModels, "local-agent-imports.json");
  const imported = readRecord(record);
  const present = await presentTags(params.host);
  const dir = path.join(paths.run, "modelfiles");
  fs.mkdirSync(dir, { recursive: true });
  for (const weight of params.weights) {
    const text = modelfileFor(weight, path.join(paths.weights, weight.file));
    // The record keys on the GGUF and the Modelfile: a new template re-imports too.
    const key = createHash("sha256").update(weight.sha256).update(text).digest("hex");
    if (imported[weight.ollamaTag] === key && present.has(normalizeTag(weight.ollamaTag))) continue;
    const modelfile = path.join(dir, `${weight.id}.Modelfile`);
    fs.writeFileSync(modelfile, text);
    params.log(`  ollama: importing ${weight.file} as ${weight.ollamaTag}`);
    await runTool({
      tool: params.ollama,
      args: ["create", weight.ollamaTag, "-f", modelfile],
      env: { ...params.env, OLLAMA_HOST: params.host },
      logFile: path.join(paths.run, "ollama-create.log"),
      what: `importing ${weight.id} into Ollama`,
    });
    imported[weight.ollamaTag] = key;
    fs.writeFileSync(record, `${JSON.stringify(imported, null, 2)}\n`);
  }
}

/** The Modelfile: the file, and for GGUFs without their own template the supplied turn format. */
export function modelfileFor(weight: WeightSpec, file: string): string {
  const lines = [`FROM ${file}`];
  const template = suppliedTemplate(weight.ollamaTemplate ?? weight.chatTemplate);
  if (template) {
    lines.push(`TEMPLATE """${template.ollamaTemplate}"""`);
    for (const stop of template.stop) lines.push(`PARAMETER stop "${stop}"`);
  }
  return `${lines.join("\n")}\n`;
}

async function presentTags(host: string): Promise<Set<string>> {
  const response = await fetch(`${host}/api/tags`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { models?: { name?: string }[] };
  return new Set((body.models ?? []).map((model) => normalizeTag(model.name ?? "")));
}

/** Ollama lists `name` with an explicit `:latest` when none was given. */
function normalizeTag(tag: string): string {
  return tag.includes(":") ? tag : `${tag}:latest`;
}

function readRecord(file: string): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

import type { ModelRequest } from "../../model/types.js";
import { toolCallJsonSchema } from "../../protocol/tool-schemas.js";
import { toolCallGbnf } from "../tool-call-gbnf.js";
import type { Layer } from "./layer.js";

/**
 * grammar: constrained decoding. Every agent request carries the tool-call language of the
 * task's tools, as a JSON schema (Ollama `format`, llama-server and OpenAI-style `json_schema`)
 * and as GBNF (llama-server `grammar`): one language in two notations, so a backend that can
 * constrain decoding makes the model unable to send anything but a call. Switched off, replies
 * are free text and every malformed shape reaches the parser.
 */
export function createGrammarLayer(): Layer {
  let constraint: ModelRequest["constraint"];
  return {
    name: "grammar",
    constrain(request, run) {
      // Built once per run: the tools are fixed for the task.
      constraint ??= { jsonSchema: toolCallJsonSchema(run.tools), gbnf: toolCallGbnf(run.tools) };
      return { ...request, constraint };
    },
  };
}

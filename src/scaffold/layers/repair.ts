import { parseToolReply } from "../repair/parse-tool-reply.js";
import type { Layer } from "./layer.js";

/**
 * repair: reads the call out of what small models actually send: a fenced or prose-wrapped JSON
 * object, single quotes and trailing commas, argument aliases (`file` for `path`), other agents'
 * call syntaxes (XML, Harmony, Mistral, Gemma, Python calls), a misspelt tool name. The turn
 * keeps `raw_valid: false` and records what was repaired. Switched off, only a reply that is
 * exactly a valid call (or a native tool call) is one.
 */
export function createRepairLayer(): Layer {
  return {
    name: "repair",
    parse: (reply, run) => parseToolReply({ reply, tools: run.tools, repair: true }),
  };
}

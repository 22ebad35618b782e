import { ModelError } from "../model-error.js";
import type { ChatReplyParts } from "./accumulate-chat-reply.js";

export interface StructuredOutputProbe {
  /** The server held the reply to the schema: tool calls get `response_format` from now on. */
  supported: boolean;
  /** What the probe found, in words, for doctor and the warnings. */
  detail: string;
  /** The model name the server answered with. */
  answeredModel: string | null;
  fingerprint: string | null;
}

/**
 * A schema with the features the tool-call schema uses (`oneOf`, `const`, `required`, no extra
 * properties), so a server that cannot compile those is found out here and not on the first turn.
 */
const PROBE_SCHEMA = {
  oneOf: [
    { type: "object", properties: { probe: { const: "constrained" } }, required: ["probe"], additionalProperties: false },
    { type: "object", properties: { other: { const: "unused" } }, required: ["other"], additionalProperties: false },
  ],
};

/** The probe's body: a question whose free answer is prose, so only a held reply is the schema's JSON. */
export function probeRequestBody(model: string): Record<string, unknown> {
  return {
    model,
    messages: [{ role: "user", content: "Say hello in one word." }],
    max_tokens: 64,
    temperature: 0,
    stream: false,
    response_format: { type: "json_schema", json_schema: { name: "local_agent_probe", schema: PROBE_SCHEMA } },
  };
}

/**
 * Asks the server once whether it honours `response_format: {type: "json_schema"}` (LM Studio,
 * vLLM, SGLang and llama-server do; others accept the field and ignore it, or refuse it). `chat`
 * sends the probe body; failures that are not about `response_format` (unreachable, unauthorized,
 * no such model, no API at that URL) end the probe with the error, since every request would fail.
 */
export async function probeStructuredOutput(params: { model: string; chat: (body: Record<string, unknown>) => Promise<ChatReplyParts> }): Promise<StructuredOutputProbe> {
  let reply: ChatReplyParts;
  try {
    reply = await params.chat(probeRequestBody(params.model));
  } catch (error) {
    if (!(error instanceof ModelError) || error.code !== "bad_response" || /not authorized|no OpenAI API|not the OpenAI API|not JSON|has no /.test(error.message)) throw error;
    return { supported: false, detail: `the server refused response_format json_schema (${error.message})`, answeredModel: null, fingerprint: null };
  }
  const base = { answeredModel: reply.model, fingerprint: reply.fingerprint };
  if (matchesProbeSchema(reply.content)) return { ...base, supported: true, detail: "response_format json_schema is honoured (the probe reply matched the schema)" };
  const sample = JSON.stringify(reply.content.trim().slice(0, 60));
  return { ...base, supported: false, detail: `the server accepts response_format json_schema but does not hold replies to it (the probe reply was ${sample})` };
}

function matchesProbeSchema(content: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  return keys.length === 1 && (record.probe === "constrained" || record.other === "unused");
}

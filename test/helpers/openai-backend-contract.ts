import { describe, expect, it } from "vitest";
import { CHANGE_TOOLS, toolCallJsonSchema } from "../../src/protocol/tool-schemas.js";
import { createOpenAiBackend } from "../../src/model/create-openai-backend.js";
import { ModelError } from "../../src/model/model-error.js";
import type { ChatMessage } from "../../src/model/types.js";
import { parseToolReply } from "../../src/scaffold/repair/parse-tool-reply.js";

/** A server the contract runs against: the fake in tests, a real llama-server (`LLAMA_SERVER_URL`) in the real-model project. */
export interface OpenAiContractTarget {
  /** The OpenAI base URL, e.g. `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Makes the next reply take until cancelled (the fake); a real server is slow enough on a long reply. */
  slowNextReply?: () => void;
}

const ASK: ChatMessage[] = [
  { role: "system", content: 'Reply with one JSON object: {"thought": "...", "tool": "<tool>", "args": {...}}. Tools: read_file(path), list_files(path?), run_tests().' },
  { role: "user", content: "Read the file README.md." },
];

/**
 * What `openai:` must do against any OpenAI-compatible server, written so the same assertions hold
 * for the fake and for a real llama-server's `/v1`: read the model, stream a reply with token
 * counts, hold a constrained reply to the tool-call schema when the server honours it, stop at
 * `max_tokens`, cancel by signal, and name the fix for a wrong base URL.
 */
export function describeOpenAiBackendContract(name: string, target: () => OpenAiContractTarget): void {
  const backend = () => {
    const t = target();
    return createOpenAiBackend({ model: t.model, baseUrl: t.baseUrl, apiKey: t.apiKey });
  };

  describe(`openai: backend contract (${name})`, () => {
    it("reads the model, its context and whether the server holds replies to a schema", async () => {
      const info = await backend().info();
      expect(info).toMatchObject({ backend: "openai", spec: `openai:${target().model}` });
      expect(info.name.length).toBeGreaterThan(0);
      expect(info.contextLength).toBeGreaterThan(0);
      expect(info.structuredOutput).toEqual({ supported: expect.any(Boolean), detail: expect.any(String) });
    });

    it("streams a reply with its token counts", async () => {
      const reply = await backend().complete({ purpose: "agent", messages: ASK, maxTokens: 64 });
      expect(reply.content.length).toBeGreaterThan(0);
      expect(reply.promptTokens).toBeGreaterThan(0);
      expect(reply.completionTokens).toBeGreaterThan(0);
      expect(["stop", "length"]).toContain(reply.doneReason);
      expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it("holds a constrained reply to the tool-call schema when the server honours response_format", async () => {
      const model = backend();
      const info = await model.info();
      if (!info.structuredOutput?.supported) return;
      // Temperature 0: a tiny model's free "thought" may otherwise run past the token limit.
      const reply = await model.complete({ purpose: "agent", messages: ASK, maxTokens: 512, temperature: 0, constraint: { jsonSchema: toolCallJsonSchema(CHANGE_TOOLS) } });
      expect(parseToolReply({ reply, tools: CHANGE_TOOLS, repair: false })).toMatchObject({ ok: true, rawValid: true });
    });

    it("stops at max_tokens with done_reason length", async () => {
      const reply = await backend().complete({ purpose: "agent", messages: [{ role: "user", content: "Count from 1 to 100, one number per line." }], maxTokens: 1 });
      expect(reply.doneReason).toBe("length");
      expect(reply.completionTokens ?? 0).toBeLessThanOrEqual(2);
    });

    it("cancels a request through its AbortSignal", async () => {
      const model = backend();
      await model.info();
      target().slowNextReply?.();
      const controller = new AbortController();
      const pending = model.complete({ purpose: "agent", messages: [{ role: "user", content: "Write a very long story about a lighthouse." }], maxTokens: 4000, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await expect(pending).rejects.toMatchObject({ name: "ModelError", code: "aborted" });
    });

    it("names the fix when the base URL does not lead to the API", async () => {
      const wrong = `${target().baseUrl.replace(/\/v\d+$/, "")}/not-the-api/v1`;
      const error = await createOpenAiBackend({ model: target().model, baseUrl: wrong }).info().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).describe()).toContain(wrong);
      expect((error as ModelError).describe()).toContain("OPENAI_BASE_URL");
    });
  });
}

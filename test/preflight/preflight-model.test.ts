import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { createModelBackend } from "../../src/model/create-model-backend.js";
import { ModelError } from "../../src/model/model-error.js";
import { preflightModel } from "../../src/preflight/preflight-model.js";
import { startFakeLlamaServer } from "../helpers/fake-llama-server.js";
import { startFakeOllamaServer } from "../helpers/fake-ollama-server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe("a job's preflight runs under the model request guard", () => {
  it("an Ollama stuck loading the model is stopped at the request limit, with what to check, and the connection is closed", async () => {
    const server = await startFakeOllamaServer({ loadHangs: true });
    cleanups.push(() => server.close());
    const model = createModelBackend({ spec: "ollama:qwen2.5-coder:7b", env: { OLLAMA_HOST: server.url }, cwd: os.tmpdir(), recordFile: null, limits: { requestMs: 300 } });
    const error: unknown = await preflightModel({ model }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect(error instanceof ModelError ? error.describe() : "").toMatch(new RegExp(`^Ollama at ${server.url} accepted the request and sent nothing for .*the per-request limit is`));
    await server.waitForRequests("/api/generate", 1);
    await expect.poll(() => server.requestsTo("/api/generate")[0]?.clientDisconnected).toBe(true);
    expect(server.requestsTo("/api/chat")).toEqual([]);
  });

  it("llama-server's loaded state is read through the guarded fetch, with its figures (nothing to warm up)", async () => {
    const server = await startFakeLlamaServer({});
    cleanups.push(() => server.close());
    const model = createModelBackend({ spec: `llamacpp:${server.url}`, env: {}, cwd: os.tmpdir(), recordFile: null });
    const result = await preflightModel({ model });
    expect(result).toEqual({
      ok: true,
      findings: [{ level: "ok", text: "Qwen2.5-Coder-7B-Instruct-Q5_K_M.gguf is loaded with a context of 32,768 tokens (this run asks for 32,768)", remedy: null }],
    });
  });
});

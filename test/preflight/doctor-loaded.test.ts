import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureCli } from "../helpers/capture-cli.js";
import { startFakeOllamaServer, type FakeOllamaServer } from "../helpers/fake-ollama-server.js";
import { startFakeLlamaServer } from "../helpers/fake-llama-server.js";
import { fakeNvidiaSmi } from "../helpers/fake-nvidia-smi.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function ollama(options: Parameters<typeof startFakeOllamaServer>[0]): Promise<FakeOllamaServer> {
  const server = await startFakeOllamaServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function doctor(env: Record<string, string | undefined>, args: string[]) {
  const cli = captureCli({ env: { ...process.env, LOCAL_AGENT_SANDBOX: "off", ...env } });
  const code = await main(["doctor", "--probe", "0", ...args], cli.deps);
  return { code, out: cli.out(), err: cli.err() };
}

describe("doctor reads what the model server really loaded", () => {
  it("fails with the figures and the remedy when Ollama allocated a smaller context than the run asks for", async () => {
    const server = await ollama({ models: [{ name: "qwen2.5-coder:7b", contextLength: 32768 }], memory: { fitContext: 8192 } });
    const result = await doctor({ OLLAMA_HOST: server.url }, ["--model", "ollama:qwen2.5-coder:7b", "--num-ctx", "16384"]);
    expect(result.out).toMatch(
      /^FAIL {2}loaded +Ollama loaded qwen2\.5-coder:7b with a context of 8,192 tokens, but this run asks for 16,384 \(num_ctx\): once the conversation passes 8,192 tokens every call fails: .*`--num-ctx 8192`.*LOCAL_AGENT_NUM_CTX=8192/m,
    );
    expect(result.code).toBe(1);
    // It loaded the model the way a run would, then read /api/ps.
    const load = server.requestsTo("/api/generate")[0];
    expect(load?.body).toMatchObject({ model: "qwen2.5-coder:7b", prompt: "", options: { num_ctx: 16384 } });
    expect(server.requestsTo("/api/ps")).toHaveLength(1);
  });

  it("passes when the context fits, warns about a model half on the CPU and a GPU past 90% (fake nvidia-smi on PATH)", async () => {
    const server = await ollama({
      models: [{ name: "qwen2.5-coder:7b", contextLength: 32768 }],
      memory: { vramShare: 0.5 },
      loaded: [{ name: "llama3.1:8b", size: 5_000_000_000, sizeVram: 5_000_000_000, contextLength: 4096 }],
    });
    const smi = await fakeNvidiaSmi(["0, NVIDIA GeForce RTX 4060, 7900, 8188, 97"]);
    cleanups.push(smi.cleanup);
    const result = await doctor({ OLLAMA_HOST: server.url, LOCAL_AGENT_NUM_CTX: "16384", PATH: `${smi.dir}:${process.env.PATH ?? ""}` }, ["--model", "ollama:qwen2.5-coder:7b"]);
    expect(result.out).toMatch(/^ok {4}loaded +qwen2\.5-coder:7b is loaded with a context of 16,384 tokens \(this run asks for 16,384\)/m);
    expect(result.out).toMatch(/^warn {2}loaded +only 2\.8 GB of qwen2\.5-coder:7b's 5\.6 GB are in GPU memory \(50% on the CPU\)/m);
    expect(result.out).toMatch(/^ok {4}loaded +also loaded: llama3\.1:8b \(5\.0 GB in GPU memory\)/m);
    expect(result.out).toMatch(/^warn {2}gpu +GPU 0 \(NVIDIA GeForce RTX 4060\): 7,900 of 8,188 MiB in use \(96%\), 97% busy: past 90% latency spikes/m);
    // Slow is not broken: warnings do not fail the check.
    expect(result.code).toBe(0);
  });

  it("says so when Ollama cannot load the model at all", async () => {
    const server = await ollama({ loadError: "model requires more system memory (12.4 GiB) than is available (7.1 GiB)" });
    const result = await doctor({ OLLAMA_HOST: server.url }, ["--model", "ollama:qwen2.5-coder:7b"]);
    expect(result.out).toMatch(/^FAIL {2}loaded +Ollama could not load qwen2\.5-coder:7b with a context of 32,768 tokens: model requires more system memory/m);
    expect(result.code).toBe(1);
  });

  it("reads llama-server's /props and /slots", async () => {
    const server = await startFakeLlamaServer({ nCtx: 8192, totalSlots: 2, busySlots: 2 });
    cleanups.push(() => server.close());
    const result = await doctor({}, ["--model", `llamacpp:${server.url}`]);
    expect(result.out).toMatch(/^ok {4}loaded +Qwen2\.5-Coder-7B-Instruct-Q5_K_M\.gguf is loaded with a context of 8,192 tokens/m);
    expect(result.out).toMatch(/^ok {4}loaded +2 slots share the context: each request gets 8,192 tokens/m);
    expect(result.out).toMatch(/^warn {2}loaded +all 2 llama-server slot\(s\) are busy: a run waits for a free one/m);
    expect(result.out).toMatch(/^ok {4}gpu +no nvidia-smi on PATH/m);
    expect(result.code).toBe(0);
  });
});

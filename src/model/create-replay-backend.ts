import fs from "node:fs/promises";
import path from "node:path";
import { ModelError } from "./model-error.js";
import { TranscriptLine } from "./transcript-line.js";
import type { ModelBackend, ModelInfo, ModelReply } from "./types.js";

/**
 * `replay:<file.jsonl>`: returns the transcript's replies in order and ignores the prompt, so a
 * recorded session (or a hand-written script) runs offline and deterministically.
 */
export function createReplayBackend(params: { file: string; spec?: string }): ModelBackend {
  const spec = params.spec ?? `replay:${params.file}`;
  let lines: Promise<TranscriptLine[]> | null = null;
  let next = 0;

  const load = () => {
    lines ??= readTranscript(params.file);
    return lines;
  };

  return {
    spec,
    async info(): Promise<ModelInfo> {
      await load();
      return {
        spec,
        backend: "replay",
        name: path.basename(params.file),
        quantization: null,
        contextLength: null,
        numCtx: null,
        backendVersion: null,
        warnings: [],
      };
    },
    async complete(request): Promise<ModelReply> {
      if (request.signal?.aborted) throw new ModelError("aborted", "the model request was cancelled", "");
      const transcript = await load();
      const line = transcript[next];
      if (!line) {
        throw new ModelError(
          "replay_exhausted",
          `replay exhausted: ${params.file} has ${transcript.length} replies and the run asked for reply ${next + 1}`,
          "The run diverged from the recorded session (different code, scaffold settings or prompts), or the transcript is incomplete",
        );
      }
      next++;
      const reply: ModelReply = { content: line.content, latencyMs: 0 };
      if (line.tool_calls) reply.toolCalls = line.tool_calls.map((call) => ({ function: { name: call.function.name, arguments: call.function.arguments } }));
      if (line.done_reason !== undefined) reply.doneReason = line.done_reason;
      if (line.prompt_eval_count !== undefined) reply.promptTokens = line.prompt_eval_count;
      if (line.eval_count !== undefined) reply.completionTokens = line.eval_count;
      if (line.cache_n !== undefined) reply.cachedPromptTokens = line.cache_n;
      return reply;
    },
  };
}

async function readTranscript(file: string): Promise<TranscriptLine[]> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelError(
      "bad_response",
      `cannot read replay transcript ${file} (${code ?? String(error)})`,
      "Check the path given after replay:",
      { cause: error },
    );
  }
  const out: TranscriptLine[] = [];
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new ModelError(
        "bad_response",
        `replay transcript ${file} line ${index + 1} is not JSON (${error instanceof Error ? error.message : String(error)})`,
        'Each line must be a JSON object like {"content": "<raw model text>"}',
      );
    }
    const parsed = TranscriptLine.safeParse(value);
    if (!parsed.success) {
      throw new ModelError(
        "bad_response",
        `replay transcript ${file} line ${index + 1} is not a transcript line (${parsed.error.issues[0]?.message ?? "invalid"})`,
        'Each line must be a JSON object like {"content": "<raw model text>"}, optionally with "tool_calls" and "done_reason"',
      );
    }
    out.push(parsed.data);
  });
  return out;
}

import type { InspectLoaded } from "./loaded-model-state.js";

/**
 * The one small interface every model backend implements (`ollama`, `llamacpp`, `openai`,
 * `replay`, `sim`). The agent loop sees only this; it never knows which server is behind it.
 */

export type ChatRole = "system" | "user" | "assistant" | "tool";

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** For `role: "tool"`: which tool produced this observation (Ollama's `tool_name`). */
  toolName?: string;
}

/** A native tool call in Ollama's shape (`message.tool_calls[i]`). */
export interface NativeToolCall {
  function: { name: string; arguments: unknown };
}

/** What a call is for: agent turns and scrollback summaries are the only model calls we make. */
export type ModelPurpose = "agent" | "summary";

export interface ModelRequest {
  messages: ChatMessage[];
  purpose: ModelPurpose;
  /**
   * Grammar constraint for the reply. Absent: free text. Backends that can constrain decoding
   * must; the JSON schema and the GBNF describe the same language.
   */
  constraint?: { jsonSchema: Record<string, unknown>; gbnf?: string };
  /** Sampling temperature; backends default to 0.3 (0 makes small models loop more). */
  temperature?: number;
  /** Sampling seed, changed by the retry layer when identical bad replies repeat. */
  seed?: number;
  /** Upper bound on generated tokens. */
  maxTokens?: number;
  /** Cancels this request only. */
  signal?: AbortSignal;
  /**
   * Time left in the run, in ms: live backends stop the request when it passes (or at their
   * per-request limit, if that comes first), so the run's wall clock holds during a model call.
   */
  timeLeftMs?: number;
}

export interface ModelReply {
  /** The raw text the model produced (may be empty). */
  content: string;
  /** Native tool calls, when the server parsed any. */
  toolCalls?: NativeToolCall[];
  /**
   * Reasoning a thinking model produced separately from its reply (Ollama `message.thinking`).
   * Never part of `content`; kept for reports and for explaining empty replies.
   */
  thinking?: string;
  /** Why generation stopped: `stop`, `length` (cut off at the token limit), … */
  doneReason?: string;
  /** Tokens the server evaluated for the prompt (`prompt_eval_count`, `tokens_evaluated`). */
  promptTokens?: number;
  /** Tokens generated (`eval_count`, `tokens_predicted`). */
  completionTokens?: number;
  /** The server says it dropped part of the prompt (llama-server `truncated`). */
  inputTruncated?: boolean;
  /**
   * Prompt tokens the server took from its KV cache instead of evaluating (llama-server
   * `timings.cache_n`). Absent when the server does not say: Ollama counts cached tokens in
   * `prompt_eval_count` and reports only the time (`promptEvalMs`).
   */
  cachedPromptTokens?: number;
  /** Server time spent evaluating the prompt (Ollama `prompt_eval_duration`, llama-server `timings.prompt_ms`). */
  promptEvalMs?: number;
  /** Server time spent generating (Ollama `eval_duration`, llama-server `timings.predicted_ms`). */
  evalMs?: number;
  /** Wall-clock time of the request. */
  latencyMs: number;
}

export interface ModelInfo {
  /** The spec the user gave, e.g. `ollama:qwen2.5-coder:7b`. */
  spec: string;
  /** `ollama`, `llamacpp`, `openai`, `replay` or `sim`. */
  backend: string;
  /** Model name as the server knows it. */
  name: string;
  /** Quantization level (e.g. `Q4_K_M`), when the server reports it. */
  quantization: string | null;
  /** The model's trained context length in tokens, when known. */
  contextLength: number | null;
  /** The context window actually requested on every call (`num_ctx`, `n_ctx`). */
  numCtx: number | null;
  /** The server's version string, when it reports one. */
  backendVersion: string | null;
  /** Things the user should know (an old server that cannot refuse truncation, a q3 quant, …). */
  warnings: string[];
  /**
   * Whether this backend can hold replies to the tool-call schema, when it had to find out
   * (`openai:` probes the server once): shown by `doctor`. Absent for backends that always can.
   */
  structuredOutput?: { supported: boolean; detail: string };
}

export interface ModelBackend {
  readonly spec: string;
  /** Reads what the server says about the model; called once per run. */
  info(signal?: AbortSignal): Promise<ModelInfo>;
  /** One model call. Throws `ModelError` for failures the user must act on. */
  complete(request: ModelRequest): Promise<ModelReply>;
  /**
   * What the server has really loaded (live backends only): the preflight compares it with the
   * context the run asks for, the dashboard shows it. Absent for replay, sim and test models.
   */
  inspectLoaded?: InspectLoaded;
}

import { z } from "zod";

/** Token counts (`stream_options.include_usage` sends them in a last chunk with no choices). */
export const UsageSchema = z
  .object({
    /** Prompt tokens, cached ones included. */
    prompt_tokens: z.number().int().nonnegative().optional(),
    /** Generated tokens. */
    completion_tokens: z.number().int().nonnegative().optional(),
    /** OpenAI's and vLLM's prompt-cache count. */
    prompt_tokens_details: z.object({ /** Prompt tokens served from the cache. */ cached_tokens: z.number().int().nonnegative().optional() }).nullish(),
  })
  .nullish();

/** llama-server's own timings, sent beside `usage` by its `/v1` endpoint. */
export const TimingsSchema = z
  .object({
    /** Prompt tokens evaluated now (cache hits excluded). */
    prompt_n: z.number().optional(),
    /** Prompt tokens reused from the KV cache. */
    cache_n: z.number().optional(),
    /** Tokens generated. */
    predicted_n: z.number().optional(),
    /** Time spent on the uncached prompt tokens. */
    prompt_ms: z.number().optional(),
    /** Time spent generating. */
    predicted_ms: z.number().optional(),
  })
  .nullish();

/** A native tool call, whole (`message.tool_calls[i]`) or a fragment (`delta.tool_calls[i]`). */
export const ToolCallPartSchema = z.object({
  /** Which call a streamed fragment belongs to; fragments with the same index are joined. */
  index: z.number().int().nonnegative().optional(),
  /** Set on a call's first fragment. */
  id: z.string().nullish(),
  function: z
    .object({
      /** The tool's name (whole, on the first fragment). */
      name: z.string().nullish(),
      /** JSON text of the arguments, streamed in pieces. */
      arguments: z.string().nullish(),
    })
    .nullish(),
});
export type ToolCallPart = z.infer<typeof ToolCallPartSchema>;

/** What a message or a delta carries that we read. */
const MessagePartSchema = z.object({
  /** The reply text (a piece of it, when streamed). */
  content: z.string().nullish(),
  /** Reasoning, separated by the server (llama-server `--reasoning-format`, vLLM, LM Studio). */
  reasoning_content: z.string().nullish(),
  /** The same under vLLM's newer name. */
  reasoning: z.string().nullish(),
  tool_calls: z.array(ToolCallPartSchema).nullish(),
});

const ChoiceSchema = z.object({
  /** Why generation stopped: `stop`, `length`, `tool_calls`; null until the last chunk. */
  finish_reason: z.string().nullish(),
  /** Non-streamed reply. */
  message: MessagePartSchema.nullish(),
  /** Streamed piece. */
  delta: MessagePartSchema.nullish(),
});

/** A `chat.completion` object, or one `chat.completion.chunk` of a stream. */
export const ChatCompletionSchema = z.object({
  /** The model that answered, as the server names it (llama-server: the loaded GGUF or alias). */
  model: z.string().nullish(),
  /** A build identifier (llama-server sends its build, `b6500-…`). */
  system_fingerprint: z.string().nullish(),
  choices: z.array(ChoiceSchema).nullish(),
  usage: UsageSchema,
  timings: TimingsSchema,
});
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

/** One entry of `GET /models`; servers add their own facts beside the standard `id`. */
export const ModelEntrySchema = z.object({
  /** The name to send as `model`. */
  id: z.string(),
  /** llama-server: GGUF facts; `n_ctx_train` is the trained context length, `n_ctx` (newer builds) the one it runs with. */
  meta: z.object({ n_ctx_train: z.number().int().positive().optional(), n_ctx: z.number().int().positive().optional() }).nullish(),
  /** vLLM, SGLang: the context window the server runs with. */
  max_model_len: z.number().int().positive().optional(),
  /** OpenRouter-style and some LM Studio builds: the model's context length. */
  context_length: z.number().int().positive().optional(),
  /** LM Studio's REST form: the model's maximum context. */
  max_context_length: z.number().int().positive().optional(),
  /** LM Studio's REST form: the context the model is loaded with. */
  loaded_context_length: z.number().int().positive().optional(),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

/** `GET /models`: `{"object": "list", "data": [...]}`. */
export const ModelListSchema = z.object({ data: z.array(z.unknown()) });

/**
 * Turn formats for GGUFs that carry no chat template of their own (the lock's `chatTemplate`
 * names one). llama-server takes the name of its built-in template; Ollama takes a Go template
 * and stop words in the Modelfile. Both must render the same turns.
 */
export interface ChatTemplate {
  /** `--chat-template` value: one of llama.cpp's built-in templates. */
  llamaCpp: string;
  /** Modelfile `TEMPLATE`. */
  ollamaTemplate: string;
  /** Modelfile `PARAMETER stop` values. */
  stop: string[];
}

/**
 * Gemma's turns: no system role, so system (and tool) messages are user turns, which is what
 * llama.cpp's built-in `gemma` template does too.
 */
const GEMMA: ChatTemplate = {
  llamaCpp: "gemma",
  ollamaTemplate: [
    "{{- range $i, $_ := .Messages }}",
    "{{- $last := eq (len (slice $.Messages $i)) 1 }}",
    '{{- if ne .Role "assistant" }}<start_of_turn>user',
    "{{ .Content }}<end_of_turn>",
    "{{ if $last }}<start_of_turn>model",
    "{{ end }}",
    "{{- else }}<start_of_turn>model",
    "{{ .Content }}{{ if not $last }}<end_of_turn>",
    "{{ end }}",
    "{{- end }}",
    "{{- end }}",
  ].join("\n"),
  stop: ["<end_of_turn>"],
};

/** ChatML (Qwen, SmolLM): every role by name; llama.cpp's built-in `chatml` is the same. */
const CHATML: ChatTemplate = {
  llamaCpp: "chatml",
  ollamaTemplate: ["{{- range .Messages }}<|im_start|>{{ .Role }}", "{{ .Content }}<|im_end|>", "{{ end }}<|im_start|>assistant", ""].join("\n"),
  stop: ["<|im_end|>", "<|im_start|>"],
};

const TEMPLATES: Record<string, ChatTemplate> = { gemma: GEMMA, chatml: CHATML };

/** The supplied template for a lock entry, or null when the GGUF embeds its own. */
export function suppliedTemplate(name: string): ChatTemplate | null {
  if (name === "embedded") return null;
  const template = TEMPLATES[name];
  if (!template) throw new Error(`the lock names chat template "${name}", which the set-up does not know (known: ${Object.keys(TEMPLATES).join(", ")}, embedded)`);
  return template;
}

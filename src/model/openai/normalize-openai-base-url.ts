/** LM Studio's default address; llama-server, vLLM, SGLang and LocalAI take a `--port`. */
export const DEFAULT_OPENAI_BASE_URL = "http://127.0.0.1:1234/v1";

/**
 * `OPENAI_BASE_URL` as the OpenAI SDKs read it: the API root the `/chat/completions` and `/models`
 * paths are appended to, usually ending in `/v1`. Blank means the default; a trailing slash is
 * dropped; anything but an http(s) URL is an error that says what to set.
 */
export function normalizeOpenAiBaseUrl(raw: string | undefined): string {
  const text = raw?.trim() ?? "";
  if (text === "") return DEFAULT_OPENAI_BASE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`OPENAI_BASE_URL "${text}" is not a URL; set it to the server's OpenAI base URL, e.g. OPENAI_BASE_URL=${DEFAULT_OPENAI_BASE_URL}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`OPENAI_BASE_URL "${text}" is not an http(s) URL; set it to the server's OpenAI base URL, e.g. OPENAI_BASE_URL=${DEFAULT_OPENAI_BASE_URL}`);
  }
  return text.replace(/\/+$/, "");
}

import type { ChatMessage, ModelBackend, ModelPurpose } from "../model/types.js";

export interface LoggedRequest {
  purpose: ModelPurpose;
  messages: readonly ChatMessage[];
}

/** Records what each model call was sent (for the prompt-prefix stability figure). */
export function withRequestLog(backend: ModelBackend): ModelBackend & { readonly requests: readonly LoggedRequest[] } {
  const requests: LoggedRequest[] = [];
  return {
    spec: backend.spec,
    requests,
    info: (signal) => backend.info(signal),
    complete: (request) => {
      requests.push({ purpose: request.purpose, messages: request.messages });
      return backend.complete(request);
    },
  };
}

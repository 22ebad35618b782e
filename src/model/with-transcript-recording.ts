import fs from "node:fs/promises";
import path from "node:path";
import { replyToTranscriptLine } from "./transcript-line.js";
import type { ModelBackend } from "./types.js";

/**
 * Wraps a live backend so that every raw reply is appended to a replay transcript: any real
 * session can then be replayed offline with `replay:<file>`, byte for byte.
 */
export function withTranscriptRecording(backend: ModelBackend, params: { file: string }): ModelBackend {
  let ready: Promise<void> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const prepare = () => {
    ready ??= fs.mkdir(path.dirname(params.file), { recursive: true }).then(() => fs.writeFile(params.file, ""));
    return ready;
  };
  return {
    spec: backend.spec,
    info: (signal) => backend.info(signal),
    ...(backend.inspectLoaded ? { inspectLoaded: backend.inspectLoaded } : {}),
    async complete(request) {
      await prepare();
      const reply = await backend.complete(request);
      const line = `${JSON.stringify(replyToTranscriptLine(reply, request.purpose))}\n`;
      // Appends in call order even if a caller does not await one call before the next.
      queue = queue.then(() => fs.appendFile(params.file, line));
      await queue;
      return reply;
    },
  };
}

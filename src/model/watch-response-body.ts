/**
 * The same response, with `onChunk` seeing each body chunk's size as it is read. When
 * `onChunk` returns an error the body fails with it (the reader stops at once; aborting the
 * request, the caller's job, closes the connection).
 */
export function watchResponseBody(response: Response, onChunk: (bytes: number) => Error | null): Response {
  if (!response.body) return response;
  const watched = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, stream) {
        const error = onChunk(chunk.byteLength);
        if (error) stream.error(error);
        else stream.enqueue(chunk);
      },
    }),
  );
  return new Response(watched, { status: response.status, statusText: response.statusText, headers: response.headers });
}

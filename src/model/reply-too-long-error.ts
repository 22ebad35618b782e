import { ModelError } from "./model-error.js";

/** A reply past one of its caps (`what`: "more than 262144 characters"); not retried. */
export function replyTooLongError(server: string, what: string): ModelError {
  return new ModelError(
    "reply_too_long",
    `the reply from ${server} was too long: ${what}, so the request was stopped`,
    "the model ran on without stopping and the server did not end it at the token limit it was sent " +
      "(num_predict / n_predict), or the address is not a model server; check the server's log, or use another model",
  );
}

/** What every peer run gets: the same model server, model, limits and task as our rows. */
export interface PeerRunSettings {
  /** The task's issue text (title line and body), as our agent gets it. */
  issueText: string;
  kind: "change" | "question";
  testCommand: string;
  /** The fresh checkout the peer works in. */
  checkout: string;
  /** A scratch folder outside the checkout for config, logs and HOME. */
  scratch: string;
  /** OpenAI-compatible base URL ending in `/v1` (the counting proxy in front of the server). */
  openaiBase: string;
  /** Model name sent to the server. */
  model: string;
  /** Step (model call) limit, where the peer has one; our `--max-turns`. */
  maxSteps: number;
  /** Wall-clock limit of the whole run. */
  timeoutMs: number;
  temperature: number;
}

/** A command line to start, with its environment additions. */
export interface PeerInvocation {
  args: string[];
  env: Record<string, string>;
}

/** How the run ended, as far as the peer's own log and files say. */
export interface PeerEnding {
  /**
   * `finished` (it said it was done), `step_limit`, `format_error`, `gave_up` (stopped without
   * changing anything), `timeout`, `crashed`; the table adds `wrong_file` and `tests_fail` after scoring.
   */
  ending: "finished" | "step_limit" | "format_error" | "gave_up" | "timeout" | "crashed";
  /** The peer's final answer text (question tasks), if it gave one. */
  answer: string | null;
  /** One line from the log that says why, for the table's notes. */
  detail: string;
}

/** One peer: how to start it non-interactively and how to read its ending. */
export interface PeerAdapter {
  /** Files the peer leaves in the checkout for itself (caches, histories): not counted as edits. */
  ownFiles: RegExp;
  /** Settings written before the run (config files), then the command line. */
  prepare(settings: PeerRunSettings): Promise<PeerInvocation>;
  readEnding(params: { settings: PeerRunSettings; exitCode: number | null; timedOut: boolean; output: string }): Promise<PeerEnding>;
  /** The non-interactive settings in words, for the README. */
  describe(settings: Pick<PeerRunSettings, "maxSteps" | "timeoutMs" | "temperature">): string;
}

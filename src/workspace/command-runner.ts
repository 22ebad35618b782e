/**
 * The replaceable piece that runs the repository's own commands (tests, setup). The agent's
 * `run_tests` tool and the baseline/final test runs go through this interface only, so the
 * plain runner and the bubblewrap sandbox are interchangeable.
 */
export interface RunCommandParams {
  /** A shell command line, run with `sh -c`. */
  command: string;
  /** The checkout; the command's working directory. */
  cwd: string;
  /** Wall-clock limit; the whole process group (or sandbox) is killed when it passes. */
  timeoutMs: number;
  /** Output kept: the first and last halves of this many bytes; the middle is elided. */
  maxOutputBytes: number;
  /** Extra environment for the command (the runner decides what else it inherits). */
  env?: Record<string, string>;
  /** The setup phase may reach the network (package installs); tests never do. */
  network?: boolean;
  /** Cancels the command (the job was cancelled). */
  signal?: AbortSignal;
}

export interface CommandResult {
  /** Exit status, or null when the process was killed by a signal. */
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  signal: string | null;
  /** The wall-clock limit was reached and the command was killed. */
  timedOut: boolean;
  /** The command was cancelled through its AbortSignal. */
  cancelled: boolean;
  /** stdout and stderr interleaved, capped (head + tail). */
  output: string;
  /** Total bytes the command printed, including what the cap dropped. */
  outputBytes: number;
  /** Some output was dropped by the cap. */
  truncated: boolean;
  durationMs: number;
  /**
   * A sandbox limit the command ran into (memory, processes, file size, checkout size), in
   * words; the command then counts as failed whatever its exit status.
   */
  limitExceeded?: string;
}

/** How commands are isolated, for the report. */
export interface RunnerDescription {
  /** `bwrap` (sandboxed) or `off` (plain child process, only when the operator chose it). */
  mode: "bwrap" | "off";
  /** Human-readable limits, e.g. `{ timeout_s: 600, memory_mb: 4096, processes: 512 }`. */
  limits: Record<string, number | string | boolean>;
}

export interface CommandRunner {
  describe(): RunnerDescription;
  run(params: RunCommandParams): Promise<CommandResult>;
}

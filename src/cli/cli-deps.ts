import type { ModelRequestLimits } from "../model/model-request-limits.js";
import type { ModelBackend } from "../model/types.js";
import type { CommandRunner } from "../workspace/command-runner.js";

/** Everything the CLI touches, injected so commands run in-process in tests. */
export interface CliDeps {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  now: () => number;
  /** The runner for the repository's commands (`bwrap` sandbox, or plain when `off`). */
  createRunner(params: { mode: "bwrap" | "off"; env: NodeJS.ProcessEnv; warn: (message: string) => void }): Promise<CommandRunner>;
  /** A model backend from a spec; throws a usage error for a bad spec. */
  createModel(params: {
    spec: string;
    env: NodeJS.ProcessEnv;
    numCtx?: number;
    temperature?: number;
    recordFile: string | null;
    cwd: string;
    /** `--model-timeout` / `--model-idle-timeout`, over the environment and the defaults. */
    limits?: Partial<ModelRequestLimits>;
    /** Builds `sim:<profile>` models; only `local-agent bench` has the task a simulator needs. */
    sim?: (params: { profile: string; spec: string }) => ModelBackend;
  }): ModelBackend;
  /** Registers a Ctrl-C handler; returns its removal. */
  onInterrupt(handler: () => void): () => void;
}

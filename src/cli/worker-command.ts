import { parseArgs } from "node:util";
import { isHttpUrl } from "../config/app-env-schema.js";
import { SandboxUnavailableError } from "../workspace/create-command-runner.js";
import type { CliDeps } from "./cli-deps.js";
import { launchWorker } from "./launch-worker.js";
import { appEnvironment, loadAppSettings } from "./load-app-settings.js";
import { positiveInt } from "./parse-number-flag.js";

export const WORKER_USAGE = `Usage: local-agent worker --model-host URL [--slots N]

Runs agent sessions on this GPU box, taken from the Redis queue that \`local-agent serve\` fills
(LOCAL_AGENT_REDIS_URL). It needs no inbound port: it pulls. Same settings as serve (APP_ID,
private key, LOCAL_AGENT_MODEL…); LOCAL_AGENT_DATA_DIR holds this box's workspaces and runs.

  --model-host URL   this box's model server (http://127.0.0.1:11434 for Ollama, the URL of
                     llama-server, or the OpenAI-compatible base URL): every session run here
                     talks to it, and while it does not answer this worker takes no sessions
  --slots N          sessions at once, the server's parallel slots (default LOCAL_AGENT_GPU_SLOTS)`;

/** `local-agent worker`: one box's worker for the Redis queue; stops on Ctrl-C (running sessions go back to the queue). */
export async function workerCommand(argv: string[], deps: CliDeps): Promise<number> {
  let values: { "model-host"?: string; slots?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { "model-host": { type: "string" }, slots: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    deps.stderr.write(
      `local-agent worker: ${error instanceof Error ? error.message : String(error)}\n\n${WORKER_USAGE}\n`,
    );
    return 2;
  }
  if (values.help) {
    deps.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  const host = values["model-host"];
  const slots = positiveInt(values.slots, "--slots");
  const problem =
    typeof slots === "string"
      ? slots
      : host === undefined
        ? "--model-host is required: the model server on this box"
        : isHttpUrl(host)
          ? null
          : `--model-host must be an http(s) URL, not "${host}"`;
  if (problem) {
    deps.stderr.write(`local-agent worker: ${problem}\n\n${WORKER_USAGE}\n`);
    return 2;
  }
  const settings = loadAppSettings({ deps, ...appEnvironment(deps) });
  if (!settings) return 2;
  const redisUrl = settings.config.redisUrl;
  if (redisUrl === null) {
    deps.stderr.write(
      "local-agent worker: LOCAL_AGENT_REDIS_URL is not set; a worker takes its sessions from the Redis queue that `local-agent serve` fills (e.g. LOCAL_AGENT_REDIS_URL=redis://queue-box:6379)\n",
    );
    return 2;
  }
  let worker: { close(): Promise<void> };
  try {
    worker = await launchWorker({
      settings,
      redisUrl,
      modelHost: host ?? null,
      slots: typeof slots === "number" ? slots : settings.config.gpuSlots,
      dataDir: settings.config.dataDir,
    });
  } catch (error) {
    if (!(error instanceof SandboxUnavailableError)) throw error;
    deps.stderr.write(`local-agent: ${error.message}\n`);
    return 2;
  }
  return new Promise<number>((resolve) => {
    const stop = deps.onInterrupt(() => {
      stop();
      void worker.close().finally(() => resolve(0));
    });
  });
}

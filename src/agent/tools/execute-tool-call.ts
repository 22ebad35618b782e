import type { ToolCall } from "../tool-schemas.js";
import { clipText } from "./clip-text.js";
import { editFile } from "./edit-file.js";
import { listFiles } from "./list-files.js";
import { readFile } from "./read-file.js";
import { runTests } from "./run-tests.js";
import { searchFiles } from "./search-files.js";
import type { Observation, ToolContext } from "./tool-context.js";
import { writeFile } from "./write-file.js";

/**
 * Runs one tool call against the checkout. Every failure comes back as an observation the model
 * can act on; only cancellation propagates.
 */
export async function executeToolCall(call: ToolCall, ctx: ToolContext): Promise<Observation> {
  let observation: Observation;
  try {
    switch (call.tool) {
      case "list_files":
        observation = await listFiles(call, ctx);
        break;
      case "read_file":
        observation = await readFile(call, ctx);
        break;
      case "search":
        observation = await searchFiles(call, ctx);
        break;
      case "edit_file":
        observation = await editFile(call, ctx);
        break;
      case "write_file":
        observation = await writeFile(call, ctx);
        break;
      case "run_tests":
        return await runTests(ctx);
      case "finish":
      case "answer":
        // The loop ends the run on these; reaching here is a wiring error worth saying plainly.
        return { ok: false, text: `${call.tool} is handled by the agent loop, not as a tool.` };
    }
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, text: `The ${call.tool} tool failed: ${message}` };
  }
  return { ...observation, text: clipText(observation.text, ctx.maxObservationChars) };
}

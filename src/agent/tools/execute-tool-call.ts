import type { Observation } from "../../protocol/observation.js";
import type { ToolCall } from "../../protocol/tool-schemas.js";
import { clipText } from "./clip-text.js";
import { editFile } from "./edit-file.js";
import { listFiles } from "./list-files.js";
import { readFile } from "./read-file.js";
import { runTests } from "./run-tests.js";
import { searchFiles } from "./search-files.js";
import type { ToolContext } from "./tool-context.js";
import { writeFile } from "./write-file.js";

/** Looks at (and may annotate) what a tool returned before it is cut to size: the layers' afterTool. */
export type ReviewObservation = (observation: Observation) => Promise<Observation>;

const asIs: ReviewObservation = async (observation) => observation;

/**
 * Runs one tool call against the checkout. Every failure comes back as an observation the model
 * can act on; only cancellation propagates. `review` sees every observation first; the file
 * tools' results are then clipped to the size limit (the test run sizes its own output).
 */
export async function executeToolCall(
  call: ToolCall,
  ctx: ToolContext,
  review: ReviewObservation = asIs,
): Promise<Observation> {
  try {
    const observation = await review(await runTool(call, ctx));
    return call.tool === "run_tests" ? observation : clipObservation(observation, ctx.maxObservationChars);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return await review({ ok: false, text: `The ${call.tool} tool failed: ${message}` });
  }
}

function runTool(call: ToolCall, ctx: ToolContext): Promise<Observation> {
  switch (call.tool) {
    case "list_files":
      return listFiles(call, ctx);
    case "read_file":
      return readFile(call, ctx);
    case "search":
      return searchFiles(call, ctx);
    case "edit_file":
      return editFile(call, ctx);
    case "write_file":
      return writeFile(call, ctx);
    case "run_tests":
      return runTests(ctx);
    case "finish":
    case "answer":
      // The loop ends the run on these; reaching here is a wiring error worth saying plainly.
      return Promise.resolve({ ok: false, text: `${call.tool} is handled by the agent loop, not as a tool.` });
  }
}

/** A file tool's observation cut to the size limit (head and tail kept). */
export function clipObservation(observation: Observation, maxChars: number): Observation {
  return { ...observation, text: clipText(observation.text, maxChars) };
}

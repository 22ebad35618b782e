import { describeCall } from "../../protocol/history.js";
import { loopNudge } from "../../protocol/layer-messages.js";
import { findLoop } from "../find-loop.js";
import type { Layer } from "./layer.js";

/**
 * loops: a call that repeats earlier ones on unchanged files is not run. The third identical call
 * (or third identical failing call, or an A-B-A-B alternation over six) gets a warning in its
 * place; the fifth ends the run as `infinite_loop` (`detect-loop.ts` has the patterns). A write
 * changes the files, so the same call after it is a new call. Switched off, repeats run (and are
 * still recorded as `infinite_loop` turns) until the turn limit.
 */
export function createLoopsLayer(): Layer {
  return {
    name: "loops",
    beforeTool(call, run) {
      const loop = findLoop(run.history, call, run.workspace.version);
      if (loop.kind === "none") return { kind: "run" };
      const turn = {
        error: loop.reason,
        failure_mode: "infinite_loop" as const,
        interventions: ["loop_detected" as const],
        note: describeCall(call),
      };
      if (loop.kind === "warn") return { kind: "block", turn, message: loopNudge(loop.turns.slice(0, -1)) };
      return {
        kind: "exit",
        turn,
        exit: "infinite_loop",
        reason: `loop detected: ${loop.reason} (turns ${loop.turns.join(", ")})`,
      };
    },
  };
}

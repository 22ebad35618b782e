import { describeCall } from "../../protocol/history.js";
import { loopNudge } from "../../protocol/layer-messages.js";
import { findLoop } from "../find-loop.js";
import type { BlockedTurn, Layer } from "./layer.js";

/**
 * loops: a call that repeats earlier ones on unchanged files is not run. The third identical call
 * (or third identical failing call; two calls alternating A-B-A-B are caught at the fifth, the
 * third of its kind) gets a warning in its place; the fifth ends the run as `infinite_loop` (`detect-loop.ts` has the patterns). A write
 * changes the files, so the same call after it is a new call. Switched off, repeats run (and are
 * still recorded as `infinite_loop` turns) until the turn limit.
 */
export function createLoopsLayer(): Layer {
  return {
    name: "loops",
    beforeTool(call, run) {
      const loop = findLoop(run.history, call, run.workspace.version);
      if (loop.kind === "none") return { kind: "run" };
      const note = describeCall(call);
      const turn: BlockedTurn = {
        error: loop.reason,
        failure_mode: "infinite_loop",
        interventions: ["loop_detected"],
        note,
      };
      if (loop.kind === "warn") return { kind: "block", turn, message: loopNudge(loop.turns.slice(0, -1)) };
      const reason = `loop detected: ${loop.reason} (turns ${loop.turns.join(", ")})`;
      return { kind: "exit", turn, exit: "infinite_loop", reason };
    },
  };
}

import fs from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readSituation } from "../../src/bench/sim/read-situation.js";
import type { ChatMessage } from "../../src/model/types.js";
import { exampleCall } from "../../src/protocol/example-call.js";
import * as historyMessages from "../../src/protocol/history-messages.js";
import * as layerMessages from "../../src/protocol/layer-messages.js";
import { TOOL_RESULT } from "../../src/protocol/tool-messages.js";

const SIM_DIR = fileURLToPath(new URL("../../src/bench/sim/", import.meta.url));

/** The prompt after one reply of the model, followed by `message`. */
const following = (message: string): ChatMessage[] => [
  { role: "system", content: "You are a careful engineer." },
  { role: "user", content: "# Fix sum" },
  { role: "assistant", content: JSON.stringify({ tool: "finish", args: { summary: "done" } }) },
  { role: "user", content: message },
];

/** The phrase as words of its own (an identifier like `justEdited` does not spell out "Edited"). */
function spelledOut(code: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<!\\w)${escaped}(?!\\w)`).test(code);
}

describe("the simulator reads the harness's messages from their exports", () => {
  it("knows a loop warning, a rejected finish, a tool result and an error as the layers build them", () => {
    expect(readSituation(following(layerMessages.loopNudge([1, 2]))).feedback.kind).toBe("loop_warning");
    for (const rejection of [
      layerMessages.FINISH_WITHOUT_EDITS,
      layerMessages.FINISH_UNTESTED,
      layerMessages.finishFailing("2 failed"),
    ]) {
      expect(readSituation(following(rejection)).feedback.kind).toBe("finish_rejected");
    }
    expect(
      readSituation(following(historyMessages.observationMessage("run_tests", `${TOOL_RESULT.testsPassed} (exit 0)`)))
        .feedback,
    ).toEqual({
      kind: "observation",
      tool: "run_tests",
      text: `${TOOL_RESULT.testsPassed} (exit 0)`,
    });
    expect(
      readSituation(
        following(layerMessages.recoveryPrompt(`read_file needs "path". Example: ${exampleCall("read_file")}`)),
      ).feedback,
    ).toMatchObject({ kind: "error", specific: true });
    expect(readSituation(following(layerMessages.terseError("read_file needs a path."))).feedback).toMatchObject({
      kind: "error",
      specific: false,
    });
  });

  it("holds no copy of their wording: every phrase of four words in them is absent from its source", async () => {
    const sources = await Promise.all(
      (await fs.readdir(SIM_DIR)).map((file) => fs.readFile(`${SIM_DIR}${file}`, "utf8")),
    );
    // Comments may talk about the messages; code may not spell them out.
    const code = sources
      .join("\n")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "")
      .replace(/\s+/g, " ");
    const m = layerMessages;
    const samples = [
      m.retryPrompt("ARG"),
      m.recoveryPrompt("ARG"),
      m.terseError("ARG"),
      m.OVERFLOW_FEEDBACK,
      m.overflowExitReason("ARG", 1),
      m.loopNudge([1]),
      m.FINISH_WITHOUT_EDITS,
      m.FINISH_UNTESTED,
      m.finishFailing("ARG"),
      m.scopeRefusal("ARG", ["ARG"]),
      m.crossFileHint("ARG", ["ARG"]),
      m.SUMMARY_SYSTEM,
      m.SUMMARY_INSTRUCTIONS,
      m.SCOPE_REFUSAL_MARK,
      m.CROSS_FILE_MARK,
      historyMessages.observationMessage("TOOL", "ARG"),
      historyMessages.backReference("TOOL", 1),
      historyMessages.progressMessage("ARG", ["ARG"]),
      ...Object.values(TOOL_RESULT),
    ];
    const copies: string[] = [];
    for (const sample of samples) {
      const words = sample
        .split(/\s+/)
        .filter((word) => word !== "" && !word.includes("ARG") && !word.includes("TOOL"));
      const phrases =
        words.length < 4 ? [words.join(" ")] : words.slice(0, -3).map((_, i) => words.slice(i, i + 4).join(" "));
      copies.push(...phrases.filter((phrase) => phrase.length > 0 && spelledOut(code, phrase)));
    }
    expect(copies).toEqual([]);
  });
});

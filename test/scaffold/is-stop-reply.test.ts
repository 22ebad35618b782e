import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANGE_TOOLS } from "../../src/protocol/tool-schemas.js";
import { runLocalTask } from "../../src/pipeline/run-local-task.js";
import { parseScaffoldSpec } from "../../src/scaffold/parse-scaffold-spec.js";
import { isStopReply } from "../../src/scaffold/is-stop-reply.js";
import { buildTask } from "../../src/task/build-task.js";
import { createPlainRunner } from "../../src/workspace/plain-runner.js";
import { makeGitRepo, SUM_ISSUE, SUM_REPO } from "../helpers/git-fixture.js";
import { scriptedModel } from "../helpers/scripted-model.js";

describe("isStopReply", () => {
  it("calls prose and empty replies stops", () => {
    expect(isStopReply("I've fixed the issue in src/sum.js.", CHANGE_TOOLS)).toBe(true);
    expect(isStopReply("", CHANGE_TOOLS)).toBe(true);
    expect(isStopReply("The bug is on line 2: use <= instead of <.", CHANGE_TOOLS)).toBe(true);
  });
  it("does not call a tool call in another notation a stop", () => {
    expect(isStopReply("<function=read_file>\n<parameter=path>\nsrc/sum.js\n</parameter>\n</function>", CHANGE_TOOLS)).toBe(false);
    expect(isStopReply('<invoke name="read_file"><parameter name="path">src/sum.js</parameter></invoke>', CHANGE_TOOLS)).toBe(false);
    expect(isStopReply("<tool_call>read_file src/sum.js</tool_call>", CHANGE_TOOLS)).toBe(false);
    expect(isStopReply("<read_file>\n<path>src/sum.js</path>\n</read_file>", CHANGE_TOOLS)).toBe(false);
    expect(isStopReply('{"tool": "read_file"', CHANGE_TOOLS)).toBe(false);
  });
});

describe("a tool call in XML tags without the repair layer", () => {
  let repo: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    repo = await makeGitRepo(SUM_REPO);
  });
  afterEach(() => repo.cleanup());

  it("is answered with an error and the run goes on, instead of ending as a premature stop", async () => {
    const built = buildTask({ text: SUM_ISSUE });
    if (!built.ok) throw new Error(built.message);
    const layers = parseScaffoldSpec("none");
    if (!layers.ok) throw new Error(layers.message);
    const model = scriptedModel([
      "<function=read_file>\n<parameter=path>\nsrc/sum.js\n</parameter>\n</function>",
      { tool: "read_file", args: { path: "src/sum.js" } },
      { tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" } },
      { tool: "run_tests", args: {} },
      { tool: "finish", args: { summary: "sum adds." } },
    ]);
    const { report } = await runLocalTask({
      repoDir: repo.dir, task: built.task, model, testCommand: "npm test", runner: createPlainRunner({ env: process.env }),
      layers: layers.layers, env: process.env, clock: { now: () => Date.now(), sleep: async () => undefined },
    });
    expect(report.outcome).toBe("completed");
    expect(report.turns[0]).toMatchObject({ valid: false, failure_mode: "tool_call_hallucination" });
    expect(report.totals.failure_modes.premature_stop).toBe(0);
  });
});

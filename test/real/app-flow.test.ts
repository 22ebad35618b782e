import fs from "node:fs/promises";
import path from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOllamaBackend } from "../../src/model/create-ollama-backend.js";
import { ReportSchema } from "../../src/report/report-schema.js";
import { examplePayload, startHarness, type Harness } from "../helpers/app-harness.js";
import { makeBareRemote } from "../helpers/bare-remote.js";
import { SUM_REPO } from "../helpers/git-fixture.js";
import {
  newSent,
  nockBotIdentity,
  nockBranch,
  nockCheckRuns,
  nockComments,
  nockCreatePull,
  nockInstallationTokens,
  nockIssue,
  nockPermission,
  nockReactions,
  nockRepoConfig,
  nockRevoke,
} from "../helpers/nock-github.js";
import { realModels } from "./real-models-context.js";

/**
 * The GitHub App end to end with a real model behind it (issue 9, item 3): a labeled issue, the
 * real Probot app, real git against a bare remote, GitHub mocked by nock and checked against its
 * OpenAPI description, and a real Ollama answering every turn. The pull request (or the comment,
 * when the model changed nothing) must say what the model really did, turn by turn.
 */
const real = realModels();
// The most capable model installed: a 1.5B coder edits files; a 135M model rarely does.
const model = [...real.models].reverse().find((candidate) => candidate.id.startsWith("qwen")) ?? real.models[0];
const REPO = "octo/sum";
const ISSUE_BODY = "Calling `sum(2, 3)` returns -1; it should return 5.\n\n## Allowed files\n- src/sum.js\n";

let remote: Awaited<ReturnType<typeof makeBareRemote>>;
let harness: Harness | null = null;
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
});
afterAll(async () => {
  await harness?.close();
  await remote?.cleanup();
  nock.enableNetConnect();
});

describe.skipIf(real.skip !== null || !model)(`the app with a real Ollama model${real.skip ? ` (skipped: ${real.skip})` : ""}`, () => {
  it(`${model?.ollamaTag}: a labeled issue becomes a pull request (or a comment) whose text matches what the model did`, async () => {
    if (!model) throw new Error("no model");
    remote = await makeBareRemote(SUM_REPO);
    const mainSha = remote.git("rev-parse", "main").trim();
    const sent = newSent();
    nockInstallationTokens({ installationId: 42, jobToken: "ghs_jobScopedToken1234567890abcdefghijklmnop", sent });
    nockRevoke({ sent });
    nockPermission({ repo: REPO, user: "alice", permission: "write" });
    nockRepoConfig({ repo: REPO, branch: "main", yaml: "max_turns: 8\n" });
    nockBranch({ repo: REPO, branch: "main", sha: mainSha });
    nockIssue({ repo: REPO, number: 12 });
    nockReactions({ repo: REPO, sent });
    nockCheckRuns({ repo: REPO, sent });
    nockComments({ repo: REPO, sent });
    nockCreatePull({ repo: REPO, sent });
    nockBotIdentity();
    harness = await startHarness({ script: () => createOllamaBackend({ model: model.ollamaTag, host: real.ollamaUrl }), env: { LOCAL_AGENT_MODEL: `ollama:${model.ollamaTag}` } });
    const payload = examplePayload("issues", "labeled", {
      label: { name: "local-agent" },
      installation: { id: 42 },
      repository: { full_name: REPO, name: "sum", owner: { login: "octo" }, clone_url: remote.url, default_branch: "main" },
      issue: { number: 12, title: "sum() subtracts instead of adding", body: ISSUE_BODY, labels: [{ name: "local-agent" }] },
      sender: { login: "alice", id: 1, type: "User" },
    });
    await harness.deliver({ id: "real-1", name: "issues", payload });
    await harness.settle();

    const [job] = harness.deps.store.list();
    expect(job?.status === "done" || job?.status === "failed").toBe(true);
    const report = ReportSchema.parse(JSON.parse(await fs.readFile(path.join(harness.deps.reportsDir, `job-${job?.id}.json`), "utf8")));
    expect(report.model).toMatchObject({ backend: "ollama", name: model.ollamaTag, quantization: model.quantization });
    expect(harness.modelRequests.length).toBeGreaterThan(0);
    const agentTurns = report.turns.filter((turn) => turn.kind === "agent").length;
    console.warn(`[real] app flow with ${model.ollamaTag}: ${report.outcome} after ${agentTurns} turns (${report.exit_reason}); changed: ${report.files_changed.join(", ") || "nothing"}`);
    expect(agentTurns).toBeLessThanOrEqual(8);

    if (report.files_changed.length > 0) {
      // A pull request, draft unless the run completed, listing exactly the files the agent wrote.
      expect(sent.pulls).toHaveLength(1);
      const pull = sent.pulls[0];
      expect(pull?.draft).toBe(report.outcome !== "completed");
      for (const file of report.files_changed) expect(pull?.body).toContain(`\`${file}\``);
      expect(pull?.body).toContain(`Per-turn report (${report.turns.length} turns)`);
      for (const turn of report.turns) if (turn.tool) expect(pull?.body).toContain(`\`${turn.tool}\``);
      const branch = `local-agent/issue-12-${job?.id}`;
      const diffed = remote.git("diff", "--name-only", `main...${branch}`).trim().split("\n").filter(Boolean).sort();
      expect(diffed).toEqual([...report.files_changed].sort());
    } else {
      // Nothing changed: no branch, no pull request, and a comment that says so.
      expect(sent.pulls).toEqual([]);
      expect(remote.git("branch", "--list", "local-agent/*").trim()).toBe("");
      expect(sent.comments.at(-1)?.body).toContain("did not change anything");
    }
    expect(sent.checkRuns.at(-1)?.body).toMatchObject({ status: "completed", conclusion: report.outcome === "completed" ? "success" : "failure" });
    expect(harness.openApiProblems()).toEqual([]);
  });
});

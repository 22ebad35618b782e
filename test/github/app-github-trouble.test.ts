import nock from "nock";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Job } from "../../src/jobs/job-schema.js";
import type { ModelBackend } from "../../src/model/types.js";
import { startHarness, type Harness } from "../helpers/app-harness.js";
import { createScenario, FIX_SCRIPT, REPO } from "../helpers/app-scenario.js";
import { API } from "../helpers/nock-github.js";
import { scriptedModel } from "../helpers/scripted-model.js";

/** Issue 11's app parts: GitHub failing for a while, and a model server that never answers. */

let s: Awaited<ReturnType<typeof createScenario>>;
let harness: Harness | null = null;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
});
beforeEach(async () => {
  s = await createScenario();
});
afterEach(async () => {
  const problems = harness?.openApiProblems() ?? [];
  await harness?.close();
  harness = null;
  await s.cleanup();
  nock.cleanAll();
  expect(problems).toEqual([]);
});

const logLines = (h: Harness, msg: string) =>
  h
    .logs()
    .split("\n")
    .filter((line) => line.includes(`"msg":"${msg}`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("GitHub unavailable", () => {
  it("at intake (502, then a reset connection, for a while): the job waits, each attempt is logged, doctor's query shows it, and it runs when GitHub is back", async () => {
    const permission = `/repos/${REPO}/collaborators/alice/permission`;
    let waiting: Job[] = [];
    // Interceptors are used in the order they are defined: two 502s, a reset, then GitHub is back.
    nock(API).get(permission).times(2).reply(502, { message: "Bad Gateway" });
    nock(API).get(permission).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    nock(API)
      .get(permission)
      .reply(200, () => {
        waiting = harness?.deps.store.waitingOnGitHub() ?? [];
        return { permission: "write", role_name: "write", user: { login: "alice" } };
      });
    s.githubMocks();
    harness = s.attach(await startHarness({ script: FIX_SCRIPT }));
    await harness.deliver({ id: "outage", name: "issues", payload: s.labeled() });
    await harness.settle();
    expect(waiting.map((job) => job.githubWait)).toEqual([
      { stage: "intake", attempts: 3, reason: `GET ${permission} failed: ECONNRESET`, since: expect.any(String), retryAt: expect.any(String) },
    ]);
    expect(logLines(harness, "GitHub unavailable at intake").map((line) => [line.attempt, line.reason])).toEqual([
      [1, `GET ${permission} answered 502: Bad Gateway`],
      [2, `GET ${permission} answered 502: Bad Gateway`],
      [3, `GET ${permission} failed: ECONNRESET`],
    ]);
    expect(harness.deps.store.list()).toMatchObject([{ status: "done", githubWait: null }]);
    expect(s.sent.pulls).toHaveLength(1);
    expect(harness.deps.store.waitingOnGitHub()).toEqual([]);
  });

  it("while publishing (the pull request request answers 502 once): the step is retried, logged, and the pull request opened once", async () => {
    nock(API).post(`/repos/${REPO}/pulls`).reply(502, { message: "Bad Gateway" });
    s.githubMocks();
    harness = s.attach(await startHarness({ script: FIX_SCRIPT }));
    await harness.deliver({ id: "publish", name: "issues", payload: s.labeled() });
    await harness.settle();
    expect(logLines(harness, "GitHub failed a publishing step; retrying").map((line) => [line.what, line.attempt, line.reason])).toEqual([
      [`open the pull request on ${REPO}#12`, 1, `POST /repos/${REPO}/pulls answered 502: Bad Gateway`],
    ]);
    expect(s.sent.pulls).toHaveLength(1);
    expect(harness.deps.store.list()[0]).toMatchObject({ status: "done", githubWait: null });
    expect(s.sent.checkRuns.at(-1)?.body).toMatchObject({ status: "completed", conclusion: "success" });
  });
});

describe("the job deadline", () => {
  it("a model server that never answers (and ignores the abort): the job is stopped, its slot freed, the next job runs, and GitHub is told what to check", async () => {
    let jobs = 0;
    const silent = (): ModelBackend => {
      const inner = scriptedModel([]);
      // Accepts the request and never answers, whatever the signal says.
      return { ...inner, complete: () => new Promise(() => undefined) };
    };
    s.githubMocks();
    // 15 s: far more than the second job needs on a busy machine, so only the silent one hits it.
    harness = s.attach(await startHarness({ script: () => (jobs++ === 0 ? silent() : scriptedModel(FIX_SCRIPT)), jobDeadlineMs: 15_000, abandonAfterMs: 300 }));
    await harness.deliver({ id: "stuck", name: "issues", payload: s.labeled() });
    await harness.deliver({ id: "next", name: "issues", payload: s.labeled({ issue: { number: 13, title: "sum() subtracts", body: "Allowed files: src/sum.js", labels: [{ name: "local-agent" }] } }) });
    await harness.settle();
    const [stuck, next] = harness.deps.store.list();
    expect(stuck).toMatchObject({ status: "failed", outcome: "deadline" });
    expect(next).toMatchObject({ status: "done", outcome: "completed" });
    const check = s.checkRun(stuck?.checkRunId ?? 0).at(-1) as { status: string; conclusion: string; output: { title: string; summary: string } };
    expect(check).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Stopped at the job deadline" } });
    const comment = s.sent.comments.find((c) => c.number === 12)?.body ?? "";
    for (const text of [check.output.summary, comment]) {
      expect(text).toContain("job deadline (15 s, LOCAL_AGENT_JOB_DEADLINE_MINUTES)");
      expect(text).toContain("OLLAMA_HOST");
      expect(text).toContain("model server's log");
      expect(text).toContain("OLLAMA_NUM_PARALLEL");
    }
    expect(s.sent.pulls.map((pull) => pull.body.split("\n")[0])).toEqual(["Fixes #13"]);
  });
});

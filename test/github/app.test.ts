import path from "node:path";
import nock from "nock";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelError } from "../../src/model/model-error.js";
import { examplePayload, startHarness, type Harness } from "../helpers/app-harness.js";
import { makeBareRemote } from "../helpers/bare-remote.js";
import { SUM_REPO } from "../helpers/git-fixture.js";
import { scanTree } from "../helpers/scan-tree.js";
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
  nockPullRequest,
  nockReactions,
  nockRepoConfig,
  nockRevoke,
  type Sent,
} from "../helpers/nock-github.js";
import type { ScriptStep } from "../helpers/scripted-model.js";

const REPO = "octo/sum";
const INSTALLATION = 42;
const JOB_TOKEN = "ghs_jobScopedToken1234567890abcdefghijklmnop";
const ISSUE_BODY = "Calling `sum(2, 3)` returns -1; it should return 5.\n\n## Allowed files\n- src/sum.js\n";
const READ = { tool: "read_file", args: { path: "src/sum.js" } };
const EDIT = { tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" } };
const TEST = { tool: "run_tests", args: {} };
const FINISH = { tool: "finish", args: { summary: "sum now adds its arguments." } };
const FIX_SCRIPT: ScriptStep[] = [READ, EDIT, TEST, FINISH];

let remote: Awaited<ReturnType<typeof makeBareRemote>>;
let sent: Sent;
/** What the checkouts held when the job tokens were revoked (after push and publishing, before the checkout is removed). */
let scans: Awaited<ReturnType<typeof scanTree>>[] = [];
let harness: Harness | null = null;
let mainSha = "";

beforeAll(() => {
  nock.disableNetConnect();
  // Loopback stays open for git's own file:// and local servers; GitHub never is.
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
});

beforeEach(async () => {
  remote = await makeBareRemote(SUM_REPO);
  mainSha = remote.git("rev-parse", "main").trim();
  sent = newSent();
  scans = [];
});

afterEach(async () => {
  const problems = harness?.openApiProblems() ?? [];
  await harness?.close();
  harness = null;
  await remote.cleanup();
  nock.cleanAll();
  // Whatever the scenario, every request the app made is one GitHub's OpenAPI description defines.
  expect(problems).toEqual([]);
});

function githubMocks(params: { permission?: string; config?: string | null; user?: string } = {}) {
  nockInstallationTokens({ installationId: INSTALLATION, jobToken: JOB_TOKEN, sent });
  nockRevoke({ sent, onRevoke: async () => void scans.push(await scanTree(harness?.deps.workspacesDir ?? "/nonexistent", TOKEN_NEEDLES)) });
  nockPermission({ repo: REPO, user: params.user ?? "alice", permission: params.permission ?? "write" });
  nockRepoConfig({ repo: REPO, branch: "main", yaml: params.config === undefined ? null : params.config });
  nockBranch({ repo: REPO, branch: "main", sha: mainSha });
  nockIssue({ repo: REPO, number: 12 });
  nockReactions({ repo: REPO, sent });
  nockCheckRuns({ repo: REPO, sent });
  nockComments({ repo: REPO, sent });
  nockCreatePull({ repo: REPO, sent });
  nockBotIdentity();
}

function repository() {
  return { full_name: REPO, name: "sum", owner: { login: "octo" }, clone_url: remote.url, default_branch: "main" };
}

function labeled(patch: Record<string, unknown> = {}) {
  return examplePayload("issues", "labeled", {
    label: { name: "local-agent" },
    installation: { id: INSTALLATION },
    repository: repository(),
    issue: { number: 12, title: "sum() subtracts instead of adding", body: ISSUE_BODY, labels: [{ name: "local-agent" }] },
    sender: { login: "alice", id: 1, type: "User" },
    ...patch,
  });
}

function comment(body: string, patch: Record<string, unknown> = {}) {
  return examplePayload("issue_comment", "created", {
    installation: { id: INSTALLATION },
    repository: repository(),
    issue: { number: 12, title: "sum() subtracts instead of adding", body: ISSUE_BODY, labels: [] },
    comment: { id: 777, body, user: { login: "alice", id: 1, type: "User" } },
    sender: { login: "alice", id: 1, type: "User" },
    ...patch,
  });
}

const TOKEN_NEEDLES = [JOB_TOKEN, "ghs_probotInstallationToken"];

function expectNoTokenLeaks(h: Harness) {
  // The checkout (its .git/config and every file) was looked at while it still existed.
  expect(scans.some((scan) => scan.files.some((file) => file.endsWith(`${path.sep}.git${path.sep}config`)))).toBe(true);
  expect(scans.flatMap((scan) => scan.hits)).toEqual([]);
  expect(h.logs()).not.toContain(JOB_TOKEN);
  expect(h.logs()).not.toContain("ghs_probotInstallationToken");
  expect(JSON.stringify(h.modelRequests)).not.toContain(JOB_TOKEN);
  expect(JSON.stringify(h.modelRequests)).not.toContain("ghs_");
  for (const c of sent.comments) expect(c.body).not.toContain(JOB_TOKEN);
}

describe("a labeled issue", () => {
  it("becomes a pull request whose body holds the report and whose branch holds the fix", async () => {
    githubMocks();
    harness = await startHarness({ script: FIX_SCRIPT });
    await harness.deliver({ id: "delivery-1", name: "issues", payload: labeled() });
    await harness.settle();

    const [job] = harness.deps.store.list();
    expect(job).toMatchObject({ status: "done", outcome: "completed", error: null });
    const branch = `local-agent/issue-12-${job?.id}`;
    expect(remote.git("show", `${branch}:src/sum.js`)).toContain("return a + b;");
    expect(remote.git("log", "-1", "--format=%an <%ae>", branch).trim()).toBe("local-agent[bot] <555+local-agent[bot]@users.noreply.github.com>");
    expect(remote.git("rev-parse", "main").trim()).toBe(mainSha);

    expect(sent.pulls).toHaveLength(1);
    const pull = sent.pulls[0];
    expect(pull).toMatchObject({ title: "sum() subtracts instead of adding", head: branch, base: "main", draft: false });
    expect(pull?.body).toContain("Fixes #12");
    expect(pull?.body).toContain("`src/sum.js` (+1 −1)");
    expect(pull?.body).toContain("`npm test`: ✗ 1 failing before → ✓ 0 failing after");
    expect(pull?.body).toContain("### Reliability report");
    expect(pull?.body).toContain("| Tool-call validity | raw 100.0% → effective 100.0% |");
    expect(pull?.body).toContain("<details><summary>Per-turn report (4 turns)</summary>");

    expect(sent.reactions).toEqual([{ path: `/repos/${REPO}/issues/12/reactions`, content: "eyes" }]);
    const statuses = sent.checkRuns.map((c) => c.body.status);
    expect(statuses).toEqual(["queued", "in_progress", "completed"]);
    expect(sent.checkRuns[0]?.body).toMatchObject({ name: "local-agent", head_sha: mainSha });
    expect(String((sent.checkRuns[0]?.body.output as { title: string }).title)).toMatch(/^Queued/);
    expect(sent.checkRuns[2]?.body).toMatchObject({ conclusion: "success" });
    const output = sent.checkRuns[2]?.body.output as { summary: string; text: string };
    expect(output.summary).toContain("| Tool-call validity | raw 100.0% → effective 100.0% |");
    expect(output.text).toContain("#### Turns (4)");

    // One repository-scoped token per network step, each revoked at the end.
    const scoped = sent.tokens.filter((t) => Array.isArray(t.body.repositories));
    expect(scoped.length).toBeGreaterThanOrEqual(2);
    expect(scoped[0]?.body).toMatchObject({ repositories: ["sum"], permissions: { contents: "write", pull_requests: "write" } });
    expect(sent.revoked.filter((auth) => auth.includes(JOB_TOKEN))).toHaveLength(scoped.length);
    expectNoTokenLeaks(harness);
    expect(harness.openApiProblems()).toEqual([]);
  });

  it("answers a question with a comment and opens no branch", async () => {
    githubMocks();
    harness = await startHarness({ script: [READ, { tool: "answer", args: { text: "src/sum.js has 3 lines; line 2 subtracts." } }] });
    await harness.deliver({
      id: "delivery-q",
      name: "issues",
      payload: labeled({ issue: { number: 12, title: "How many lines does src/sum.js have?", body: "Just curious.", labels: [{ name: "local-agent" }] } }),
    });
    await harness.settle();
    expect(sent.pulls).toEqual([]);
    expect(sent.comments).toHaveLength(1);
    expect(sent.comments[0]?.body).toContain("> src/sum.js has 3 lines; line 2 subtracts.");
    expect(remote.git("branch", "--list", "local-agent/*").trim()).toBe("");
    expect(sent.checkRuns.at(-1)?.body).toMatchObject({ status: "completed", conclusion: "success" });
    expect(harness.openApiProblems()).toEqual([]);
  });

  it("leaves a draft pull request with the partial work when the tests still fail", async () => {
    githubMocks();
    const halfFix = { tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a * b;" } };
    harness = await startHarness({ script: [READ, halfFix, TEST, FINISH, FINISH, FINISH] });
    await harness.deliver({ id: "delivery-d", name: "issues", payload: labeled() });
    await harness.settle();
    expect(sent.pulls).toHaveLength(1);
    expect(sent.pulls[0]?.draft).toBe(true);
    expect(sent.pulls[0]?.body).toContain("Draft: finish was called too early");
    expect(sent.checkRuns.at(-1)?.body).toMatchObject({ conclusion: "failure" });
  });
});

describe("/fix on a pull request", () => {
  it("commits to the pull request's own branch and comments with the report", async () => {
    githubMocks();
    const headSha = await remote.commitOn("feature/sum", { "NOTES.md": "wip\n" }, "Work in progress");
    nockPullRequest({ repo: REPO, number: 12, headRef: "feature/sum", headSha, headRepo: REPO, baseRef: "main", title: "Make sum work", body: "Allowed files: src/sum.js" });
    harness = await startHarness({ script: FIX_SCRIPT });
    // The task is the pull request's text in the triggering payload (frozen at comment time).
    await harness.deliver({
      id: "delivery-pr",
      name: "issue_comment",
      payload: comment("/fix please keep the signature", { issue: { number: 12, title: "Make sum work", body: "Allowed files: src/sum.js", pull_request: { url: "x" }, labels: [] } }),
    });
    await harness.settle();
    expect(remote.git("show", "feature/sum:src/sum.js")).toContain("return a + b;");
    // The green test run left a checkpoint commit; nothing changed after it, so it is the last one.
    expect(remote.git("log", "-2", "--format=%s", "feature/sum").trim().split("\n")).toEqual(["local-agent: checkpoint, tests pass (#12)", "Work in progress"]);
    expect(sent.pulls).toEqual([]);
    expect(sent.reactions).toEqual([{ path: `/repos/${REPO}/issues/comments/777/reactions`, content: "eyes" }]);
    expect(sent.comments.at(-1)?.body).toMatch(/pushed \d commit\(s\) to `feature\/sum`/);
    expect(JSON.stringify(harness.modelRequests[0]?.messages)).toContain("please keep the signature");
    expect(sent.checkRuns[0]?.body).toMatchObject({ head_sha: headSha });
    expect(harness.openApiProblems()).toEqual([]);
  });
});

describe("who may trigger", () => {
  it("refuses a labeler without write access, once, and runs nothing", async () => {
    githubMocks({ permission: "read", user: "mallory" });
    harness = await startHarness({ script: [] });
    const payload = labeled({ sender: { login: "mallory", id: 9, type: "User" } });
    await harness.deliver({ id: "d-1", name: "issues", payload });
    await harness.settle();
    await harness.deliver({ id: "d-2", name: "issues", payload });
    await harness.settle();
    expect(harness.deps.store.list().map((j) => j.status)).toEqual(["refused", "refused"]);
    expect(sent.comments).toHaveLength(1);
    expect(sent.comments[0]?.body).toContain("@mallory: local-agent only runs for collaborators with write access");
    expect(harness.modelRequests).toEqual([]);
    expect(sent.checkRuns).toEqual([]);
  });

  it("ignores bots (including itself) and edited comments without calling GitHub", async () => {
    harness = await startHarness({ script: [] });
    await harness.deliver({ id: "b-1", name: "issues", payload: labeled({ sender: { login: "dependabot[bot]", id: 2, type: "Bot" } }) });
    await harness.deliver({ id: "b-2", name: "issue_comment", payload: comment("/fix", { sender: { login: "local-agent[bot]", id: 555, type: "Bot" } }) });
    const edited = examplePayload("issue_comment", "edited", { installation: { id: INSTALLATION }, repository: repository(), comment: { body: "/fix" } });
    await harness.deliver({ id: "b-3", name: "issue_comment", payload: edited });
    await harness.settle();
    expect(harness.deps.store.list()).toEqual([]);
    expect(harness.requests).toEqual([]);
  });
});

describe("the queue", () => {
  it("stores a redelivered webhook once, even after its job finished", async () => {
    githubMocks();
    harness = await startHarness({ script: FIX_SCRIPT });
    await harness.deliver({ id: "same-delivery", name: "issues", payload: labeled() });
    await harness.deliver({ id: "same-delivery", name: "issues", payload: labeled() });
    await harness.settle();
    // GitHub redelivers later too (a "Redeliver" click): by then no job is active, so only the
    // delivery id, not the one-job-per-label rule, can tell it is the same event.
    await harness.deliver({ id: "same-delivery", name: "issues", payload: labeled() });
    await harness.settle();
    expect(harness.deps.store.list()).toHaveLength(1);
    expect(sent.pulls).toHaveLength(1);
    expect(harness.logs()).toContain('"reason":"duplicate_delivery"');
  });

  it("cancels a running job when the label is removed", async () => {
    githubMocks();
    let harnessRef: Harness | null = null;
    const unlabel = async () => {
      await harnessRef?.deliver({ id: "unlabel", name: "issues", payload: examplePayload("issues", "unlabeled", { ...labeled(), action: "unlabeled" }) });
      return READ;
    };
    let calls = 0;
    const script = () => ({
      spec: "scripted:slow",
      info: async () => ({ spec: "scripted:slow", backend: "scripted", name: "s", quantization: null, contextLength: null, numCtx: null, backendVersion: null, warnings: [] }),
      complete: async (request: { signal?: AbortSignal }) => {
        calls++;
        if (calls === 2) await unlabel();
        if (request.signal?.aborted) throw new ModelError("aborted", "cancelled", "");
        return { content: JSON.stringify(calls === 1 ? READ : EDIT), latencyMs: 1 };
      },
    });
    harness = await startHarness({ script });
    harnessRef = harness;
    await harness.deliver({ id: "run", name: "issues", payload: labeled() });
    await harness.settle();
    const [job] = harness.deps.store.list();
    expect(job?.status).toBe("cancelled");
    expect(sent.pulls).toEqual([]);
    expect(remote.git("branch", "--list", "local-agent/*").trim()).toBe("");
    expect(sent.comments.at(-1)?.body).toContain("the run was cancelled");
    expect(sent.checkRuns.at(-1)?.body).toMatchObject({ conclusion: "cancelled" });
  });

  it("resumes a job left running by a crash, with a comment, and finishes it", async () => {
    githubMocks();
    const first = await startHarness({ script: [] });
    const dataDir = first.dataDir;
    // The process "dies" with the job marked running: store it and claim it, then drop the app.
    first.deps.store.insert({
      deliveryId: "crashed",
      repo: REPO,
      installationId: INSTALLATION,
      target: "issue",
      number: 12,
      trigger: "label",
      actor: "alice",
      payload: { title: "sum() subtracts instead of adding", body: ISSUE_BODY, labels: ["local-agent"], cloneUrl: remote.url, defaultBranch: "main" },
    });
    await first.handle.scheduler().stop();
    first.deps.store.transition(1, ["pending"], "queued");
    expect(first.deps.store.claimNext()?.status).toBe("running");
    first.deps.store.close();

    harness = await startHarness({ script: FIX_SCRIPT, dataDir });
    await harness.settle();
    expect(sent.comments[0]?.body).toContain("restarted while it was working on this; it will start the run again (attempt 2 of 2)");
    expect(harness.deps.store.get(1)).toMatchObject({ status: "done", attempts: 2 });
    expect(sent.pulls).toHaveLength(1);
  });
});

describe("failures are reported with what to do", () => {
  it("an invalid repo config is answered with a comment quoting the error", async () => {
    githubMocks({ config: "test: npm test\nmax_turns: lots\nallowd: [src]\n" });
    harness = await startHarness({ script: [] });
    await harness.deliver({ id: "cfg", name: "issues", payload: labeled() });
    await harness.settle();
    expect(harness.deps.store.list()[0]?.status).toBe("refused");
    const body = sent.comments[0]?.body ?? "";
    expect(body).toContain("`.github/local-agent.yml` on `main` is not valid");
    expect(body).toContain("max_turns");
    expect(body).toContain("allowd");
    expect(harness.modelRequests).toEqual([]);
  });

  it("a model server that is down ends the job with the cause and the fix", async () => {
    githubMocks();
    const down = () => new ModelError("unreachable", "cannot reach Ollama at http://127.0.0.1:9 (connection refused)", "Start it with `ollama serve`, or set OLLAMA_HOST");
    harness = await startHarness({
      script: () => ({
        spec: "ollama:x",
        info: async () => {
          throw down();
        },
        complete: async () => {
          throw down();
        },
      }),
    });
    await harness.deliver({ id: "down", name: "issues", payload: labeled() });
    await harness.settle();
    expect(harness.deps.store.list()[0]?.status).toBe("failed");
    const body = sent.comments.at(-1)?.body ?? "";
    expect(body).toContain("cannot reach Ollama at http://127.0.0.1:9 (connection refused)");
    expect(body).toContain("**What you can do:**");
    expect(sent.checkRuns.at(-1)?.body).toMatchObject({ conclusion: "failure" });
    expect(sent.pulls).toEqual([]);
  });

  it("an issue without allowed files gets the syntax", async () => {
    githubMocks();
    harness = await startHarness({ script: [] });
    await harness.deliver({ id: "noallow", name: "issues", payload: labeled({ issue: { number: 12, title: "Fix sum", body: "It subtracts.", labels: [] } }) });
    await harness.settle();
    const body = sent.comments.at(-1)?.body ?? "";
    expect(body).toContain("names no allowed files");
    expect(body).toContain("### Allowed files");
    expect(harness.modelRequests).toEqual([]);
  });
});

import nock from "nock";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "../helpers/app-harness.js";
import { createScenario, FIX_SCRIPT, gatedModel, REPO } from "../helpers/app-scenario.js";
import { startDashboardServer } from "../helpers/dashboard-server.js";
import { API, nockBranch, nockCheckRuns, nockComments, nockInstallationTokens, nockIssue, nockPermission, nockReactions, nockRepoConfig } from "../helpers/nock-github.js";

/**
 * The queue page against the real app: the places it shows are the fair queue's (the ones the
 * claim follows and the check runs show), and jobs held up by GitHub are listed with why.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
  nock.cleanAll();
});

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));
});

const OTHER = "acme/app";
type QueueJson = {
  waiting: { id: number; repo: string; number: number; status: string; position: number | null }[];
  githubWaits: { id: number; wait: { stage: string; attempts: number; reason: string } }[];
};

describe("the queue page", () => {
  it("shows the fair queue's places, the ones the check runs show, and the jobs waiting on GitHub", async () => {
    const s = await createScenario();
    cleanups.push(s.cleanup);
    s.githubMocks();
    // A second installation's repository.
    nockInstallationTokens({ installationId: 43, jobToken: "ghs_otherInstallationJobToken1234567890abcdef", sent: s.sent });
    nockPermission({ repo: OTHER, user: "alice", permission: "write" });
    nockRepoConfig({ repo: OTHER, branch: "main", yaml: null });
    nockBranch({ repo: OTHER, branch: "main", sha: s.mainSha });
    nockIssue({ repo: OTHER, number: "any" });
    nockReactions({ repo: OTHER, sent: s.sent });
    nockCheckRuns({ repo: OTHER, sent: s.sent, id: 9000 });
    nockComments({ repo: OTHER, sent: s.sent });
    // Bob's permission check: GitHub answers 502 twice, then holds the third answer until the test lets it through.
    const permission = `/repos/${REPO}/collaborators/bob/permission`;
    let githubBack: () => void = () => undefined;
    const back = new Promise<void>((resolve) => (githubBack = resolve));
    nock(API).get(permission).times(2).reply(502, { message: "Bad Gateway" });
    nock(API)
      .get(permission)
      .reply(200, async () => {
        await back;
        return { permission: "write", role_name: "write", user: { login: "bob" } };
      });

    const model = gatedModel(FIX_SCRIPT);
    const harness: Harness = s.attach(await startHarness({ script: model.create }));
    const server = await startDashboardServer(harness.handle.dashboard());
    cleanups.push(async () => {
      githubBack();
      model.release();
      await server.close();
      await harness.close();
    });
    const queue = async () => (await (await fetch(`${server.url}/local-agent/queue.json`)).json()) as QueueJson;

    await harness.deliver({ id: "first", name: "issues", payload: s.labeled() });
    await model.reached;
    // While octo/sum#12 holds the GPU slot: two more from octo/sum, then one from the other installation.
    const noFiles = (number: number) => ({ issue: { number, title: `Task ${number}`, body: "Please look.", labels: [{ name: "local-agent" }] } });
    await harness.deliver({ id: "two", name: "issues", payload: s.labeled(noFiles(2)) });
    await harness.deliver({ id: "three", name: "issues", payload: s.labeled(noFiles(3)) });
    await harness.deliver({ id: "other", name: "issues", payload: s.labeled(noFiles(1), OTHER, 43) });
    const { store } = harness.deps;
    await vi.waitFor(() => {
      const queued = store.list({ status: "queued" });
      expect(queued).toHaveLength(3);
      for (const job of queued) expect(job.positionShown).toBe(store.queuePosition(job.id));
    }, { timeout: 20_000 });

    // The other installation, never served, goes first: not the arrival order (2, 3, then 1).
    const { waiting } = await queue();
    expect(waiting.map((row) => [`${row.repo}#${row.number}`, row.position])).toEqual([
      [`${OTHER}#1`, 1],
      [`${REPO}#2`, 2],
      [`${REPO}#3`, 3],
    ]);
    // Each place is the one the job's queued check run says now.
    for (const row of waiting) {
      const checkRunId = store.get(row.id)?.checkRunId ?? 0;
      const title = (s.checkRun(checkRunId).at(-1)?.output as { title: string }).title;
      expect(title).toBe(row.position === 1 ? "Queued: next to run" : `Queued: position ${row.position}`);
    }
    const page = await (await fetch(`${server.url}/local-agent/queue`)).text();
    for (const row of waiting) expect(page).toMatch(new RegExp(`<tr id="job-${row.id}" data-status="queued">.*?<td class="num">${row.position}</td>`));
    expect(page).not.toContain("Waiting on GitHub");

    // Bob's request meets a GitHub outage at intake: it waits, pending, and the page says why.
    await harness.deliver({ id: "bob", name: "issues", payload: s.labeled({ ...noFiles(7), sender: { login: "bob", id: 2, type: "User" } }) });
    await vi.waitFor(() => expect(store.waitingOnGitHub().map((job) => job.githubWait?.attempts)).toEqual([2]), { timeout: 20_000 });
    const bob = store.waitingOnGitHub()[0]?.id ?? 0;
    const during = await queue();
    expect(during.githubWaits).toEqual([{ id: bob, repo: REPO, number: 7, target: "issue", title: "Task 7", status: "pending", wait: expect.objectContaining({ stage: "intake", attempts: 2, reason: `GET ${permission} answered 502: Bad Gateway` }) }]);
    // Pending, it has no place yet (intake has not queued it), so no number that could collide with a queued job's.
    expect(during.waiting.find((row) => row.id === bob)).toMatchObject({ status: "pending", position: null });
    const withWait = await (await fetch(`${server.url}/local-agent/queue`)).text();
    expect(withWait).toContain('<h2 id="github-waits-heading">Waiting on GitHub</h2>');
    expect(withWait).toMatch(new RegExp(`<tr id="wait-${bob}" data-stage="intake">.*<td>intake</td><td class="num">2</td>.*answered 502: Bad Gateway</td></tr>`));
    expect(withWait).toContain("1 running, 4 waiting, 1 waiting on GitHub.");
    const jobPage = await (await fetch(`${server.url}/local-agent/jobs/${bob}`)).text();
    expect(jobPage).toMatch(/<dt>Waiting on GitHub<\/dt><dd>GitHub failed its intake \(permission, config, acknowledgement\) 2 time\(s\) since .*; last: GET .*answered 502: Bad Gateway<\/dd>/);

    githubBack();
    await vi.waitFor(() => expect(store.waitingOnGitHub()).toEqual([]), { timeout: 20_000 });
    model.release();
    await harness.settle();
    expect((await queue()).githubWaits).toEqual([]);
    expect(harness.openApiProblems()).toEqual([]);
  });
});

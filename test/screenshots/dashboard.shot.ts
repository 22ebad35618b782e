import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import nock from "nock";
import { afterAll, beforeAll, expect, it } from "vitest";
import { captureDiff } from "../../src/store/capture-diff.js";
import { startHarness } from "../helpers/app-harness.js";
import { makeBareRemote } from "../helpers/bare-remote.js";
import { startDashboardServer } from "../helpers/dashboard-server.js";
import { makeGitRepo, SUM_REPO } from "../helpers/git-fixture.js";
import { launchChromium } from "../helpers/launch-chromium.js";
import { fixtureReport } from "../helpers/report-fixture.js";
import { FIX_STEPS, gatedModels, githubMocks, labeled, newSent, REPO } from "../dashboard/dashboard-fixtures.js";

/**
 * The README's dashboard screenshots, made by the real app in headless Chromium: the run page of
 * a stored run, and the queue with one job running (held mid-run), two waiting and one finished.
 * Run with `npm run screenshots`; it writes docs/dashboard-run.png and docs/dashboard-queue.png.
 */
const DOCS = path.resolve("docs");
const cleanups: (() => Promise<void>)[] = [];
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1"));
});
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()?.();
  nock.cleanAll();
});

it("writes docs/dashboard-run.png and docs/dashboard-queue.png", async () => {
  const remote = await makeBareRemote(SUM_REPO);
  cleanups.push(remote.cleanup);
  githubMocks({ sent: newSent(), mainSha: remote.git("rev-parse", "main").trim(), permissions: { alice: "write", bob: "maintain" } });
  const models = gatedModels(FIX_STEPS);
  models.hold(2, 3);
  const harness = await startHarness({ script: models.factory });
  const server = await startDashboardServer(harness.handle.dashboard());
  cleanups.push(async () => {
    await server.close();
    await harness.close();
  });

  // A stored run with every kind of turn the charts mark, and a real diff from a real checkout.
  const checkout = await makeGitRepo(SUM_REPO);
  cleanups.push(checkout.cleanup);
  await fs.writeFile(path.join(checkout.dir, "src/sum.js"), (await fs.readFile(path.join(checkout.dir, "src/sum.js"), "utf8")).replace("a - b", "a + b"));
  const diff = await captureDiff({ dir: checkout.dir, base: "HEAD", paths: ["src/sum.js"], env: process.env });
  const id = harness.deps.runs.insert({
    source: "app",
    jobId: null,
    installationId: 42,
    repo: REPO,
    number: 12,
    target: "issue",
    title: "sum() subtracts instead of adding",
    actor: "alice",
    branch: "local-agent/issue-12-7",
    checkRunId: 4242,
    report: fixtureReport({ startedAt: new Date("2026-12-01T10:00:00Z") }),
    transcript: '{"content":"{}"}\n',
    diff,
    finishedAt: "2026-12-01T10:01:05.000Z",
  });

  // The queue: job 1 finishes, job 2 is held in its third model call, jobs 3 and 4 wait.
  await harness.deliver({ id: "d-1", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 11, title: "Round half-even in format()" }) });
  await expect.poll(() => harness.deps.store.get(1)?.status, { timeout: 60_000 }).toBe("done");
  await harness.deliver({ id: "d-2", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 12, title: "sum() subtracts instead of adding" }) });
  await harness.deliver({ id: "d-3", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 14, title: "parseDate() ignores the time zone" }) });
  await harness.deliver({ id: "d-4", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 15, title: "Add --json to the list command", actor: "bob" }) });

  const { context, close } = await launchChromium();
  cleanups.push(close);
  const page = await context.newPage();
  await page.goto(`${server.url}/local-agent/runs/${id}`);
  await fs.mkdir(DOCS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS, "dashboard-run.png"), fullPage: true });
  await page.goto(`${server.url}/local-agent/queue`);
  await page
    .locator("tr#job-2 .progress", { hasText: "2 model calls" })
    .waitFor({ timeout: 60_000 })
    .catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await page.locator("main").innerText()}\n${JSON.stringify(harness.deps.store.list().map((j) => [j.id, j.status, j.error]))}`);
    });
  await page.locator('tr#job-4[data-status="queued"]').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(DOCS, "dashboard-queue.png"), fullPage: true });
  models.open(2, 3);
  console.log(`wrote ${path.join(DOCS, "dashboard-run.png")} and ${path.join(DOCS, "dashboard-queue.png")} (${os.platform()})`);
});

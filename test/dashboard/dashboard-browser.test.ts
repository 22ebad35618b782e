import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import nock from "nock";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { startHarness, type Harness } from "../helpers/app-harness.js";
import { makeBareRemote } from "../helpers/bare-remote.js";
import { captureCli } from "../helpers/capture-cli.js";
import { startDashboardServer } from "../helpers/dashboard-server.js";
import { makeGitRepo, replyLine, SUM_ISSUE, SUM_REPO, writeTranscript } from "../helpers/git-fixture.js";
import { launchChromium } from "../helpers/launch-chromium.js";
import { fixtureReport } from "../helpers/report-fixture.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  FIX_STEPS,
  freePort,
  gatedModels,
  githubMocks,
  JOB_TOKEN,
  labeled,
  newSent,
  nockOAuth,
  REPO,
  USER_TOKEN,
  WEBHOOK_SECRET,
  type Sent,
} from "./dashboard-fixtures.js";

/**
 * The dashboard in real headless Chromium (Debian's /usr/bin/chromium through playwright-core),
 * served by the real app handler over real SQLite, with GitHub mocked at the HTTP layer. A
 * "remote" browser is one whose requests carry X-Forwarded-For, as they do through a proxy.
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

async function scratch(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "la-dash-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function app(params: Parameters<typeof startHarness>[0]): Promise<{ harness: Harness; url: string }> {
  const harness = await startHarness(params);
  const port = params.env?.LOCAL_AGENT_PUBLIC_URL ? Number(new URL(params.env.LOCAL_AGENT_PUBLIC_URL).port) : undefined;
  const server = await startDashboardServer(harness.handle.dashboard(), port);
  cleanups.push(async () => {
    await server.close();
    await harness.close();
  });
  return { harness, url: server.url };
}

async function browser(options: Parameters<typeof launchChromium>[0] = {}) {
  const launched = await launchChromium(options);
  cleanups.push(launched.close);
  return launched.context;
}

describe("the dashboard in Chromium", () => {
  it("lists a run recorded by the CLI and shows its per-turn table, charts, diff and transcript (no JavaScript needed)", async () => {
    const repo = await makeGitRepo(SUM_REPO);
    cleanups.push(repo.cleanup);
    const dir = await scratch();
    const transcript = await writeTranscript(dir, [
      replyLine({ tool: "read_file", args: { path: "src/sum.js" } }),
      replyLine({ tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" } }),
      replyLine({ tool: "run_tests", args: {} }),
      replyLine({ tool: "finish", args: { summary: "sum now adds its arguments." } }),
    ]);
    const dataDir = path.join(dir, "data");
    const cli = captureCli();
    expect(await main(["run", "--repo", repo.dir, "--task", await writeTask(dir), "--model", `replay:${transcript}`, "--report", path.join(dir, "r.json"), "--data-dir", dataDir, "--quiet"], cli.deps)).toBe(0);

    const { url } = await app({ script: [], dataDir });
    const context = await browser({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${url}/local-agent/runs`);
    const row = page.locator("table.runs tbody tr");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.first().innerText()).toMatch(/la-repo-.*CLI[\s\S]*sum\(\) subtracts instead of adding[\s\S]*replay:.*✓ completed[\s\S]*100\.0%\s+4/);

    // The filters are a plain GET form: they work without JavaScript.
    await page.selectOption("#filter-outcome", "failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/outcome=failed/);
    expect(await page.locator("p.empty").innerText()).toBe("No runs match these filters.");
    await page.selectOption("#filter-outcome", "completed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("link", { name: "sum() subtracts instead of adding" }).click();

    await page.waitForURL(/\/local-agent\/runs\/1$/);
    expect(await page.locator("h1").innerText()).toBe("sum() subtracts instead of adding");
    const turns = page.locator("table.turns tbody tr");
    expect(await turns.count()).toBe(4);
    expect(await turns.nth(1).innerText()).toMatch(/^2\s+agent\s+edit_file\s+✓ yes\s+✓ yes/);
    for (const name of [/Prompt tokens per turn against the context budget/, /Raw and effective tool-call validity per turn/, /Model latency per turn/]) {
      await expect.poll(() => page.getByRole("img", { name }).isVisible()).toBe(true);
    }
    expect(await page.locator("#chart-context g.turn").count()).toBe(4);
    // A replayed run has no server to tell its window: the budget line is drawn, the window line is not.
    expect(await page.locator("#chart-context .limit.budget").count()).toBe(1);
    expect(await page.locator("#chart-context .limit.window").count()).toBe(0);
    expect(await page.locator("#chart-validity rect.validity-valid").count()).toBe(8);
    expect(await page.locator("pre.diff .d-add").innerText()).toBe("+  return a + b;");

    // The transcript downloads and is the one the run replayed.
    const download = await page.request.get(`${url}/local-agent/runs/1/transcript.jsonl`);
    expect(download.headers()["content-disposition"]).toBe('attachment; filename="run-1.transcript.jsonl"');
    expect(await download.text()).toBe(await fs.readFile(transcript, "utf8"));
  });

  it("shows model-written markup and script as text: nothing runs", async () => {
    const { harness, url } = await app({ script: [] });
    const hostile = `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'"><a href="javascript:alert(1)">x</a>`;
    harness.deps.runs.insert({
      source: "app",
      jobId: null,
      installationId: 42,
      repo: REPO,
      number: 12,
      target: "issue",
      title: hostile,
      actor: "alice",
      branch: null,
      checkRunId: null,
      report: fixtureReport({ hostile, title: hostile }),
      transcript: null,
      diff: `+${hostile}\n`,
      finishedAt: new Date().toISOString(),
    });
    const context = await browser();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    for (const address of ["/local-agent/runs", "/local-agent/runs/1"]) {
      const response = await page.goto(`${url}${address}`);
      expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
      await page.waitForLoadState("load");
      expect(await page.title()).not.toContain("pwned");
      expect(await page.locator("img[src=x]").count()).toBe(0);
      expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    }
    expect(await page.locator("h1").innerText()).toBe(hostile);
    expect(await page.locator("blockquote.model-text").innerText()).toBe(hostile);
    expect(dialogs).toEqual([]);
  });

  it("moves a queued job to running and through to finished live, without a reload", async () => {
    const remote = await makeBareRemote(SUM_REPO);
    cleanups.push(remote.cleanup);
    const sent = newSent();
    githubMocks({ sent, mainSha: remote.git("rev-parse", "main").trim() });
    const models = gatedModels(FIX_STEPS);
    models.hold(1, 2);
    models.hold(2, 1);
    const { harness, url } = await app({ script: models.factory });
    const context = await browser();
    const page = await context.newPage();
    await page.goto(`${url}/local-agent/queue`);
    // A mark on this document: a reload would lose it (strings, as the tests compile without DOM types).
    await page.evaluate("window.sameDocument = true");

    await harness.deliver({ id: "d-1", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 12, title: "sum() subtracts" }) });
    await harness.deliver({ id: "d-2", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 13, title: "sum() again" }) });
    // Job 1 runs, its first model call is done and the second is held; job 2 waits for the GPU slot.
    const job1 = page.locator("tr#job-1");
    const job2 = page.locator("tr#job-2");
    await job1.locator(".progress", { hasText: "1 model call" }).waitFor({ timeout: 30_000 });
    expect(await job1.getAttribute("data-status")).toBe("running");
    expect(await job1.innerText()).toMatch(/octo\/sum#12\s+sum\(\) subtracts[\s\S]*@alice[\s\S]*▶ running[\s\S]*1 model call · context 1,500 tokens · last call 900 ms, 40\.0 tokens\/s/);
    await page.locator('tr#job-2[data-status="queued"]').waitFor({ timeout: 30_000 });
    expect(await job2.innerText()).toMatch(/octo\/sum#13\s+sum\(\) again[\s\S]*○ queued\s+1\s/);

    models.open(1, 2);
    await page.locator('tr#job-1[data-status="done"]').waitFor({ timeout: 60_000 });
    await page.locator('tr#job-2[data-status="running"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("tr#job-1").innerText()).toMatch(/done[\s\S]*completed[\s\S]*run 1/);
    models.open(2, 1);
    await page.locator('tr#job-2[data-status="done"]').waitFor({ timeout: 60_000 });
    expect(await page.locator("#queue-status").innerText()).toBe("0 running, 0 waiting.");
    // All of it arrived over the event stream: the page never reloaded.
    expect(await page.evaluate("window.sameDocument === true")).toBe(true);
    await harness.settle();
    expect(harness.deps.runs.latestForJob(1)?.outcome).toBe("completed");
  });

  it("lets a writer cancel (locally and signed in) and refuses a reader, a forged form and another site", async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const remote = await makeBareRemote(SUM_REPO);
    cleanups.push(remote.cleanup);
    const sent: Sent = newSent();
    githubMocks({ sent, mainSha: remote.git("rev-parse", "main").trim(), permissions: { alice: "write", mallory: "read" } });
    const models = gatedModels(FIX_STEPS);
    models.hold(1, 1);
    const { harness, url } = await app({
      script: models.factory,
      env: { LOCAL_AGENT_PUBLIC_URL: publicUrl, GITHUB_CLIENT_ID: CLIENT_ID, GITHUB_CLIENT_SECRET: CLIENT_SECRET },
    });
    await harness.deliver({ id: "d-1", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 12, title: "runs first" }) });
    await harness.deliver({ id: "d-2", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 13, title: "waits" }) });
    await harness.deliver({ id: "d-3", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 14, title: "also waits" }) });
    await expect.poll(() => harness.deps.store.list({ status: "queued" }).length, { timeout: 30_000 }).toBe(2);

    // A reader signed in from elsewhere sees no job of the repository and cannot cancel one.
    const reader = await signedIn({ url, login: "mallory", code: "code-mallory" });
    await reader.goto(`${url}/local-agent/queue`);
    expect(await reader.locator("tr#job-2").count()).toBe(0);
    expect(await reader.getByRole("button", { name: /Cancel/ }).count()).toBe(0);
    const readerCsrf = await reader.locator('form[action="/local-agent/logout"] input[name=csrf]').inputValue();
    const forbidden = await reader.request.post(`${url}/local-agent/jobs/2/cancel`, { form: { csrf: readerCsrf }, headers: { origin: publicUrl } });
    expect(forbidden.status()).toBe(403);
    expect(await forbidden.text()).toContain("you do not have write access to its repository");
    expect(harness.deps.store.get(2)?.status).toBe("queued");

    // A writer signed in from elsewhere cancels job 2 with the button.
    const writer = await signedIn({ url, login: "alice", code: "code-alice" });
    await writer.goto(`${url}/local-agent/queue`);
    await writer.getByRole("button", { name: "Cancel job 2 (octo/sum#13)" }).click();
    await writer.waitForURL(/cancelled=2/);
    expect(await writer.getByRole("status").innerText()).toBe("Job 2 was cancelled.");
    expect(harness.deps.store.get(2)?.status).toBe("cancelled");
    expect(sent.checkRuns.some((c) => c.body.conclusion === "cancelled" && String((c.body.output as { summary: string }).summary).includes("by @alice"))).toBe(true);

    // The same writer's session, but a form without the token, or posted from another site: refused.
    const noToken = await writer.request.post(`${url}/local-agent/jobs/3/cancel`, { form: {}, headers: { origin: publicUrl } });
    expect(noToken.status()).toBe(403);
    const csrf = await writer.locator('form[action="/local-agent/jobs/3/cancel"] input[name=csrf]').inputValue();
    const crossSite = await writer.request.post(`${url}/local-agent/jobs/3/cancel`, { form: { csrf }, headers: { origin: "https://evil.example" } });
    expect(crossSite.status()).toBe(403);
    expect(harness.deps.store.get(3)?.status).toBe("queued");

    // On the app's own machine no sign-in is needed: cancel the running job.
    const local = await (await browser()).newPage();
    await local.goto(`${url}/local-agent/queue`);
    await local.getByRole("button", { name: "Cancel job 1 (octo/sum#12)" }).click();
    await local.waitForURL(/cancelled=1/);
    models.open(1, 1);
    await expect.poll(() => harness.deps.store.get(1)?.status, { timeout: 30_000 }).toBe("cancelled");
  });

  it("keeps tokens and secrets out of every page and the JSON behind them", async () => {
    const port = await freePort();
    const remote = await makeBareRemote(SUM_REPO);
    cleanups.push(remote.cleanup);
    const sent = newSent();
    githubMocks({ sent, mainSha: remote.git("rev-parse", "main").trim() });
    const leaky = FIX_STEPS.map((step, index) =>
      index === 3 ? { content: JSON.stringify({ tool: "finish", args: { summary: `done; also ${JOB_TOKEN} and ghp_${"a".repeat(36)}` } }) } : step,
    );
    const { harness, url } = await app({
      script: leaky,
      env: { LOCAL_AGENT_PUBLIC_URL: `http://127.0.0.1:${port}`, GITHUB_CLIENT_ID: CLIENT_ID, GITHUB_CLIENT_SECRET: CLIENT_SECRET },
    });
    await harness.deliver({ id: "d-1", name: "issues", payload: labeled({ cloneUrl: remote.url, number: 12, title: "sum() subtracts" }) });
    await harness.settle();
    expect(harness.deps.runs.list()).toHaveLength(1);

    const user = await signedIn({ url, login: "alice", code: "code-alice" });
    const cookies = await user.context().cookies();
    const session = cookies.find((cookie) => cookie.name === "la_session")?.value ?? "missing";
    const local = await (await browser()).newPage();
    const secrets = [WEBHOOK_SECRET, CLIENT_SECRET, JOB_TOKEN, USER_TOKEN, "ghs_probotInstallationToken", `ghp_${"a".repeat(36)}`, session, "code-alice", "BEGIN RSA PRIVATE KEY"];
    const pages = ["/local-agent/runs", "/local-agent/runs.json", "/local-agent/runs/1", "/local-agent/runs/1.json", "/local-agent/runs/1/transcript.jsonl", "/local-agent/jobs/1", "/local-agent/queue", "/local-agent/queue.json", "/local-agent/models", "/local-agent/models.json", "/metrics", "/local-agent/login"];
    for (const viewer of [local, user]) {
      for (const address of pages) {
        const response = await viewer.request.get(`${url}${address}`, { maxRedirects: 0 });
        const text = `${JSON.stringify(response.headers())}\n${await response.text()}`;
        for (const secret of secrets) expect(text, `${address} leaks ${secret.slice(0, 12)}…`).not.toContain(secret);
      }
    }
    // What the model wrote is shown, with the token-shaped part redacted.
    await local.goto(`${url}/local-agent/runs/1`);
    expect(await local.locator("blockquote.model-text").innerText()).toBe("done; also [redacted] and [redacted]");
    expect(await local.getByRole("link", { name: "Pull request", exact: true }).getAttribute("href")).toBe(`https://github.com/${REPO}/pull/77`);
    expect(await local.getByRole("link", { name: "Check run" }).getAttribute("href")).toBe(`https://github.com/${REPO}/runs/4242`);
    expect(harness.logs()).not.toContain(USER_TOKEN);
    expect(harness.logs()).not.toContain(session);
  });
});

async function writeTask(dir: string): Promise<string> {
  const file = path.join(dir, "issue.md");
  await fs.writeFile(file, SUM_ISSUE);
  return file;
}

/**
 * A browser "from elsewhere" (every request carries X-Forwarded-For, as through a proxy) signed
 * in through the OAuth web flow. GitHub's authorize page is the one step played by the test: it
 * sends the browser back to the callback with a code (Playwright cannot route a redirect's
 * target), and the app's code exchange meets nock.
 */
async function signedIn(params: { url: string; login: string; code: string }): Promise<Page> {
  const context = await browser({ extraHTTPHeaders: { "x-forwarded-for": "203.0.113.7" } });
  nockOAuth({ code: params.code, login: params.login });
  const page = await context.newPage();
  const queue = await page.request.get(`${params.url}/local-agent/queue`, { maxRedirects: 0 });
  expect(queue.status()).toBe(303);
  const login = await page.request.get(new URL(queue.headers().location ?? "", params.url).href, { maxRedirects: 0 });
  const authorize = new URL(login.headers().location ?? "");
  expect(`${authorize.origin}${authorize.pathname}`).toBe("https://github.com/login/oauth/authorize");
  expect(authorize.searchParams.get("client_id")).toBe(CLIENT_ID);
  const back = new URL(authorize.searchParams.get("redirect_uri") ?? "");
  expect(back.href).toBe(`${params.url}/local-agent/auth/callback`);
  back.searchParams.set("code", params.code);
  back.searchParams.set("state", authorize.searchParams.get("state") ?? "");
  await page.goto(back.href);
  await page.waitForURL(/\/local-agent\/queue$/);
  expect(await page.locator(".viewer").innerText()).toContain(`Signed in as @${params.login}`);
  return page;
}

import nock from "nock";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../helpers/app-harness.js";
import { createScenario, FIX_SCRIPT, JOB_TOKEN } from "../helpers/app-scenario.js";

/**
 * GitHub Enterprise Server: Probot's GHE_HOST/GHE_PROTOCOL become the API base `…/api/v3`. Only
 * that host is mocked and nothing else may be reached, so any call that still goes to
 * api.github.com (token revocation did) fails and shows in the log.
 */
const GHE_API = "https://ghe.example.test/api/v3";

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

describe("on GitHub Enterprise Server (GHE_HOST)", () => {
  it("every call, token revocation included, goes to the Enterprise host, and commits carry the host's noreply identity", async () => {
    s.githubMocks({ api: GHE_API });
    harness = s.attach(await startHarness({ script: FIX_SCRIPT, baseUrl: GHE_API }));
    await harness.deliver({ id: "ghe-1", name: "issues", payload: s.labeled() });
    await harness.settle();

    const [job] = harness.deps.store.list();
    expect(job).toMatchObject({ status: "done", outcome: "completed" });
    const scoped = s.sent.tokens.filter((t) => Array.isArray(t.body.repositories));
    expect(scoped.length).toBeGreaterThan(0);
    expect(s.sent.revoked.filter((auth) => auth.includes(JOB_TOKEN))).toHaveLength(scoped.length);
    expect(harness.logs()).not.toContain("could not revoke");
    // The payload's own URLs name api.github.com (a github.com example); no request went there.
    expect(harness.logs()).not.toMatch(/GitHub request: \w+ https:\/\/api\.github\.com/);
    expect(s.sent.pulls).toHaveLength(1);
    const branch = `local-agent/issue-12-${job?.id}`;
    expect(s.remote.git("log", "-1", "--format=%an <%ae>", branch).trim()).toBe("local-agent[bot] <555+local-agent[bot]@users.noreply.ghe.example.test>");
    s.expectNoTokenLeaks(harness);
  });

  it("a pull request already open for the job's branch (an earlier attempt's, on another worker) is found and updated, never a second one", async () => {
    s.githubMocks({ api: GHE_API });
    // Job 1's branch: the attempt that died after opening its pull request left this one.
    s.sent.pulls.push({ title: "stale", head: "local-agent/issue-12-1", base: "main", body: "report of the attempt that died", draft: false });
    harness = s.attach(await startHarness({ script: FIX_SCRIPT, baseUrl: GHE_API }));
    await harness.deliver({ id: "ghe-2", name: "issues", payload: s.labeled() });
    await harness.settle();
    expect(harness.deps.store.list()).toMatchObject([{ id: 1, status: "done", outcome: "completed" }]);
    expect(s.sent.pulls).toHaveLength(1);
    expect(s.sent.pullUpdates).toEqual([{ number: 77, title: expect.stringContaining("sum()"), body: expect.stringContaining("Fixes #12") }]);
    expect(harness.logs()).toContain('"existed":true');
  });
});

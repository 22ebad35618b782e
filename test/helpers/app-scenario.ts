import path from "node:path";
import { expect } from "vitest";
import type { ModelBackend, ModelRequest } from "../../src/model/types.js";
import { examplePayload, type Harness } from "./app-harness.js";
import { makeBareRemote } from "./bare-remote.js";
import { SUM_REPO } from "./git-fixture.js";
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
  type Sent,
} from "./nock-github.js";
import { scanTree } from "./scan-tree.js";
import { scriptedModel, type ScriptStep } from "./scripted-model.js";

export const REPO = "octo/sum";
export const INSTALLATION = 42;
export const JOB_TOKEN = "ghs_jobScopedToken1234567890abcdefghijklmnop";
export const ISSUE_BODY = "Calling `sum(2, 3)` returns -1; it should return 5.\n\n## Allowed files\n- src/sum.js\n";
export const READ = { tool: "read_file", args: { path: "src/sum.js" } };
export const EDIT = { tool: "edit_file", args: { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" } };
export const TEST = { tool: "run_tests", args: {} };
export const FINISH = { tool: "finish", args: { summary: "sum now adds its arguments." } };
export const FIX_SCRIPT: ScriptStep[] = [READ, EDIT, TEST, FINISH];
const TOKEN_NEEDLES = [JOB_TOKEN, "ghs_probotInstallationToken"];

/** One app test's world: a bare remote of the sum fixture, what was sent to GitHub, and payload builders. */
export async function createScenario() {
  const remote = await makeBareRemote(SUM_REPO);
  const mainSha = remote.git("rev-parse", "main").trim();
  const sent: Sent = newSent();
  const scans: Awaited<ReturnType<typeof scanTree>>[] = [];
  let harness: Harness | null = null;
  const repository = (repo = REPO) => ({ full_name: repo, name: repo.split("/")[1], owner: { login: repo.split("/")[0] }, clone_url: remote.url, default_branch: "main" });
  const alice = { login: "alice", id: 1, type: "User" };
  return {
    remote,
    mainSha,
    sent,
    scans,
    attach(h: Harness) {
      harness = h;
      return h;
    },
    /** The GitHub side of a healthy repository (`repo`, `installation`), every call nocked. */
    githubMocks(params: { api?: string; repo?: string; installation?: number; permission?: string; config?: string | null; user?: string; issue?: Parameters<typeof nockIssue>[0]; checkRunId?: number; commentStatus?: number } = {}) {
      const repo = params.repo ?? REPO;
      const api = params.api === undefined ? {} : { api: params.api };
      nockInstallationTokens({ ...api, installationId: params.installation ?? INSTALLATION, jobToken: JOB_TOKEN, sent });
      nockRevoke({ ...api, sent, onRevoke: async () => void scans.push(await scanTree(harness?.deps.workspacesDir ?? "/nonexistent", TOKEN_NEEDLES)) });
      nockPermission({ ...api, repo, user: params.user ?? "alice", permission: params.permission ?? "write" });
      nockRepoConfig({ ...api, repo, branch: "main", yaml: params.config === undefined ? null : params.config });
      nockBranch({ ...api, repo, branch: "main", sha: mainSha });
      nockIssue({ ...(params.issue ?? { repo, number: "any" }), ...api });
      nockReactions({ ...api, repo, sent });
      nockCheckRuns({ ...api, repo, sent, ...(params.checkRunId ? { id: params.checkRunId } : {}) });
      nockComments({ ...api, repo, sent, ...(params.commentStatus ? { status: params.commentStatus } : {}) });
      nockCreatePull({ ...api, repo, sent });
      nockBotIdentity(api);
    },
    labeled(patch: Record<string, unknown> = {}, repo = REPO, installation = INSTALLATION) {
      return examplePayload("issues", "labeled", {
        label: { name: "local-agent" },
        installation: { id: installation },
        repository: repository(repo),
        issue: { number: 12, title: "sum() subtracts instead of adding", body: ISSUE_BODY, labels: [{ name: "local-agent" }] },
        sender: alice,
        ...patch,
      });
    },
    comment(body: string, patch: Record<string, unknown> = {}) {
      return examplePayload("issue_comment", "created", {
        installation: { id: INSTALLATION },
        repository: repository(),
        issue: { number: 12, title: "sum() subtracts instead of adding", body: ISSUE_BODY, labels: [] },
        comment: { id: 777, body, user: alice },
        sender: alice,
        ...patch,
      });
    },
    /** The check run bodies GitHub received for one check run id, in order. */
    checkRun(id: number) {
      return sent.checkRuns.filter((c) => c.id === id).map((c) => c.body);
    },
    expectNoTokenLeaks(h: Harness) {
      expect(scans.some((scan) => scan.files.some((file) => file.endsWith(`${path.sep}.git${path.sep}config`)))).toBe(true);
      expect(scans.flatMap((scan) => scan.hits)).toEqual([]);
      for (const needle of TOKEN_NEEDLES) expect(h.logs()).not.toContain(needle);
      expect(JSON.stringify(h.modelRequests)).not.toContain("ghs_");
      for (const c of sent.comments) expect(c.body).not.toContain("ghs_");
    },
    cleanup: () => remote.cleanup(),
  };
}

/** A model that plays `steps`, but whose first call waits until `release()` (it holds the GPU slot meanwhile). */
export function gatedModel(steps: ScriptStep[]): { create: () => ModelBackend; release: () => void; reached: Promise<void> } {
  let release: () => void = () => undefined;
  let reach: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  let first = true;
  return {
    release: () => release(),
    reached,
    create: () => {
      const inner = scriptedModel(steps);
      return {
        ...inner,
        complete: async (request: ModelRequest) => {
          if (first) {
            first = false;
            reach();
            await gate;
          }
          return inner.complete(request);
        },
      };
    },
  };
}

import nock from "nock";
import { examplePayload } from "../helpers/app-harness.js";
import {
  API,
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
} from "../helpers/nock-github.js";
import { scriptedModel, type ScriptStep } from "../helpers/scripted-model.js";
import type { ModelBackend } from "../../src/model/types.js";
import { freePort } from "../helpers/listen-on-loopback.js";
export { freePort };

export const REPO = "octo/sum";
export const INSTALLATION = 42;
export const JOB_TOKEN = "ghs_jobScopedToken1234567890abcdefghijklmnop";
export const WEBHOOK_SECRET = "test-webhook-secret-123";
export const CLIENT_ID = "Iv23liDashboardTest";
export const CLIENT_SECRET = "dashboard-client-secret-0123456789abcdef";
export const USER_TOKEN = "ghu_userTokenFromTheOAuthFlow0123456789abcd";
export const ISSUE_BODY = "Calling `sum(2, 3)` returns -1; it should return 5.\n\n## Allowed files\n- src/sum.js\n";

const call = (tool: string, args: Record<string, unknown>) => ({ content: JSON.stringify({ tool, args }), latencyMs: 900, promptTokens: 1500, completionTokens: 36 });
export const FIX_STEPS: ScriptStep[] = [
  call("read_file", { path: "src/sum.js" }),
  call("edit_file", { path: "src/sum.js", old_text: "return a - b;", new_text: "return a + b;" }),
  call("run_tests", {}),
  call("finish", { summary: "sum now adds its arguments." }),
];

/** GitHub for the app: tokens, permissions (login → permission), config, branch, the issue as it is now, reactions, check runs, comments, pulls. */
export function githubMocks(params: { sent: Sent; mainSha: string; permissions?: Record<string, string> }): void {
  nockInstallationTokens({ installationId: INSTALLATION, jobToken: JOB_TOKEN, sent: params.sent });
  nockRevoke({ sent: params.sent });
  for (const [user, permission] of Object.entries(params.permissions ?? { alice: "write" })) nockPermission({ repo: REPO, user, permission });
  nockRepoConfig({ repo: REPO, branch: "main", yaml: null });
  nockBranch({ repo: REPO, branch: "main", sha: params.mainSha });
  nockIssue({ repo: REPO, number: "any" });
  nockReactions({ repo: REPO, sent: params.sent });
  nockCheckRuns({ repo: REPO, sent: params.sent });
  nockComments({ repo: REPO, sent: params.sent });
  nockCreatePull({ repo: REPO, sent: params.sent });
  nockBotIdentity();
}

/** GitHub's side of the OAuth web flow: code → user token → `GET /user` → token revoked. */
export function nockOAuth(params: { code: string; login: string }): { exchanged: Record<string, unknown>[]; revoked: string[] } {
  const record = { exchanged: [] as Record<string, unknown>[], revoked: [] as string[] };
  nock("https://github.com")
    .post("/login/oauth/access_token")
    .reply(200, async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      record.exchanged.push(body);
      if (body.code !== params.code) return { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." };
      return { access_token: USER_TOKEN, token_type: "bearer", scope: "" };
    });
  nock(API).get("/user").matchHeader("authorization", `token ${USER_TOKEN}`).reply(200, { login: params.login, id: 7, type: "User" });
  nock(API)
    .delete(`/applications/${CLIENT_ID}/token`)
    .reply(204, async (request: Request) => {
      record.revoked.push(String(((await request.json()) as { access_token?: string }).access_token));
      return "";
    });
  return record;
}

export function labeled(params: { cloneUrl: string; number: number; title: string; actor?: string }): Record<string, unknown> {
  return examplePayload("issues", "labeled", {
    label: { name: "local-agent" },
    installation: { id: INSTALLATION },
    repository: { full_name: REPO, name: "sum", owner: { login: "octo" }, clone_url: params.cloneUrl, default_branch: "main" },
    issue: { number: params.number, title: params.title, body: ISSUE_BODY, labels: [{ name: "local-agent" }] },
    sender: { login: params.actor ?? "alice", id: 1, type: "User" },
  });
}

/**
 * A scripted model whose calls wait for the test: call n of the k-th model the app creates waits
 * for `gates.open(k, n)`. Lets a test hold a job in "running" without sleeping.
 */
export function gatedModels(steps: ScriptStep[]) {
  const waiting = new Map<string, { promise: Promise<void>; open: () => void }>();
  const gate = (model: number, call: number) => {
    const key = `${model}:${call}`;
    let entry = waiting.get(key);
    if (!entry) {
      let open: () => void = () => undefined;
      const promise = new Promise<void>((resolve) => (open = resolve));
      entry = { promise, open };
      waiting.set(key, entry);
    }
    return entry;
  };
  const held = new Set<string>();
  let models = 0;
  return {
    /** Make call `call` (1-based) of model `model` (1-based) wait until `open(model, call)`. */
    hold: (model: number, call: number) => {
      held.add(`${model}:${call}`);
      gate(model, call);
    },
    open: (model: number, call: number) => gate(model, call).open(),
    factory: (): ModelBackend => {
      const index = ++models;
      const inner = scriptedModel(steps);
      let calls = 0;
      return {
        ...inner,
        complete: async (request) => {
          const n = ++calls;
          if (held.has(`${index}:${n}`)) {
            // A cancelled or stopped job aborts the call, as a real backend's fetch would.
            const aborted = new Promise<void>((resolve) => request.signal?.addEventListener("abort", () => resolve(), { once: true }));
            await Promise.race([gate(index, n).promise, aborted]);
          }
          return inner.complete(request);
        },
      };
    },
  };
}


export { newSent, type Sent };

import nock from "nock";

/** nock 15 calls reply functions with the fetch `Request` (a 2-argument function means callback style). */
async function bodyOf(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text === "") return {};
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function pathOf(request: Request): string {
  return new URL(request.url).pathname;
}

/** The path of an API base (`/api/v3` on Enterprise Server), which regex routes must start with: nock matches them against the whole path. */
function prefixOf(api: string | undefined): string {
  return new URL(api ?? API).pathname.replace(/\/$/, "");
}

/**
 * Named nock helpers for the GitHub REST calls the app makes (release-drafter style). Each
 * returns its scope so a test can assert `isDone()`; body matchers record what was sent.
 */
export const API = "https://api.github.com";

export interface Sent {
  comments: { number: number; body: string }[];
  pulls: { title: string; head: string; base: string; body: string; draft: boolean }[];
  /** Title and body updates of open pull requests (`PATCH …/pulls/{n}`): a republish, or a review iteration's section. */
  pullUpdates: { number: number; title?: string; body: string }[];
  checkRuns: { id: number; body: Record<string, unknown> }[];
  reactions: { path: string; content: string }[];
  tokens: { body: Record<string, unknown> }[];
  revoked: string[];
  /** Replies in review threads: the comment replied to and the body. */
  replies: { commentId: number; body: string }[];
  /** Reviewers the app asked to review again. */
  reviewRequests: { number: number; reviewers: unknown }[];
}

export function newSent(): Sent {
  return { comments: [], pulls: [], pullUpdates: [], checkRuns: [], reactions: [], tokens: [], revoked: [], replies: [], reviewRequests: [] };
}

/** Probot's own installation token (no body) and the app's per-job scoped tokens (with a body). */
export function nockInstallationTokens(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; installationId: number; jobToken: string; sent: Sent }) {
  return nock(params.api ?? API)
    .persist()
    .post(`/app/installations/${params.installationId}/access_tokens`)
    .reply(201, async (request: Request) => {
      const record = await bodyOf(request);
      params.sent.tokens.push({ body: record });
      const scoped = Array.isArray(record.repositories);
      return {
        token: scoped ? params.jobToken : "ghs_probotInstallationToken000000000000000",
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { contents: "write", issues: "write", pull_requests: "write", checks: "write", metadata: "read" },
      };
    });
}

/** Token revocation; `onRevoke` runs as each token is revoked (the app revokes before it removes the checkout). */
export function nockRevoke(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; sent: Sent; onRevoke?: () => Promise<void> }) {
  return nock(params.api ?? API)
    .persist()
    .delete("/installation/token")
    .reply(204, async (request: Request) => {
      params.sent.revoked.push(request.headers.get("authorization") ?? "");
      await params.onRevoke?.();
      return "";
    });
}

export function nockPermission(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; user: string; permission: string; roleName?: string; status?: number }) {
  const scope = nock(params.api ?? API).persist().get(`/repos/${params.repo}/collaborators/${params.user}/permission`);
  if (params.status && params.status !== 200) return scope.reply(params.status, { message: "Not Found" });
  return scope.reply(200, { permission: params.permission, role_name: params.roleName ?? params.permission, user: { login: params.user } });
}

/** The repo config on the default branch: text, raw bytes, or (`tooLarge`) what the contents API answers for a file over 1 MB. */
export function nockRepoConfig(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; branch: string; yaml: string | Buffer | null; tooLarge?: number }) {
  const scope = nock(params.api ?? API).persist().get(`/repos/${params.repo}/contents/.github%2Flocal-agent.yml`).query({ ref: params.branch });
  const file = { type: "file", name: "local-agent.yml", path: ".github/local-agent.yml", sha: "c".repeat(40) };
  if (params.tooLarge) return scope.reply(200, { ...file, encoding: "none", content: "", size: params.tooLarge });
  if (params.yaml === null) return scope.reply(404, { message: "Not Found" });
  const bytes = Buffer.from(params.yaml);
  return scope.reply(200, { ...file, encoding: "base64", size: bytes.length, content: bytes.toString("base64") });
}

/** The issue (or pull request) as it is now: state, lock and labels, read again at intake. */
export function nockIssue(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; number: number | "any"; state?: "open" | "closed"; locked?: boolean; labels?: string[] }) {
  const route = params.number === "any" ? new RegExp(`^${prefixOf(params.api)}/repos/${params.repo}/issues/\\d+$`) : `/repos/${params.repo}/issues/${params.number}`;
  return nock(params.api ?? API)
    .persist()
    .get(route)
    .reply(200, (request: Request) => ({
      number: Number(pathOf(request).split("/").pop()),
      state: params.state ?? "open",
      locked: params.locked ?? false,
      title: "(re-fetched title: never used as the task)",
      body: "(re-fetched body: never used as the task)",
      labels: (params.labels ?? ["local-agent"]).map((name, i) => ({ id: i + 1, name })),
    }));
}

export function nockBranch(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; branch: string; sha: string }) {
  return nock(params.api ?? API)
    .persist()
    .get(`/repos/${params.repo}/git/ref/heads%2F${params.branch}`)
    .reply(200, { ref: `refs/heads/${params.branch}`, object: { sha: params.sha, type: "commit" } });
}

export function nockPullRequest(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string;
  repo: string;
  number: number;
  headRef: string;
  headSha: string;
  headRepo: string;
  baseRef: string;
  title: string;
  body: string;
  state?: "open" | "closed";
  merged?: boolean;
  locked?: boolean;
}) {
  return nock(params.api ?? API)
    .persist()
    .get(`/repos/${params.repo}/pulls/${params.number}`)
    .reply(200, {
      number: params.number,
      state: params.state ?? "open",
      merged: params.merged ?? false,
      locked: params.locked ?? false,
      title: params.title,
      body: params.body,
      head: { ref: params.headRef, sha: params.headSha, repo: { full_name: params.headRepo } },
      base: { ref: params.baseRef, sha: "0".repeat(40), repo: { full_name: params.repo } },
    });
}

export function nockReactions(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; sent: Sent }) {
  return nock(params.api ?? API)
    .persist()
    .post(new RegExp(`^${prefixOf(params.api)}/repos/${params.repo}/issues/(comments/)?\\d+/reactions$`))
    .reply(201, async (request: Request) => {
      const body = await bodyOf(request);
      params.sent.reactions.push({ path: pathOf(request), content: String(body.content) });
      return { id: 1, content: body.content };
    });
}

/** Check runs: each created one gets the next id from `id` (default 4242), so a test can follow each job's. */
export function nockCheckRuns(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; sent: Sent; id?: number; onCreate?: () => Promise<void> }) {
  let next = params.id ?? 4242;
  return nock(params.api ?? API)
    .persist()
    .post(`/repos/${params.repo}/check-runs`)
    .reply(201, async (request: Request) => {
      const id = next++;
      params.sent.checkRuns.push({ id, body: await bodyOf(request) });
      await params.onCreate?.();
      return { id, status: "queued" };
    })
    .patch(new RegExp(`^${prefixOf(params.api)}/repos/${params.repo}/check-runs/\\d+$`))
    .reply(200, async (request: Request) => {
      const id = Number(pathOf(request).split("/").pop());
      params.sent.checkRuns.push({ id, body: await bodyOf(request) });
      return { id };
    });
}

/** Comments are recorded; with `status` (e.g. 410 for a deleted issue) GitHub rejects them. */
export function nockComments(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; sent: Sent; status?: number }) {
  const scope = nock(params.api ?? API).persist().post(new RegExp(`^${prefixOf(params.api)}/repos/${params.repo}/issues/\\d+/comments$`));
  if (params.status) return scope.reply(params.status, { message: params.status === 410 ? "This issue was deleted" : "Rejected" });
  return scope.reply(201, async (request: Request) => {
    const body = await bodyOf(request);
    params.sent.comments.push({ number: Number(pathOf(request).split("/").at(-2)), body: String(body.body) });
    return { id: 9000 + params.sent.comments.length };
  });
}

/**
 * Pull requests: created ones are recorded, and listing by `head` (`owner:branch`) finds them, as
 * on GitHub (the app looks before it opens one; the dashboard looks up a run's pull request).
 */
export function nockCreatePull(params: { /** Another API base (GitHub Enterprise Server's `…/api/v3`). */ api?: string; repo: string; sent: Sent; number?: number }) {
  const number = params.number ?? 77;
  return nock(params.api ?? API)
    .persist()
    .get(`/repos/${params.repo}/pulls`)
    .query(true)
    .reply(200, (request: Request) => {
      const head = new URL(request.url).searchParams.get("head");
      const branch = head?.slice(head.indexOf(":") + 1);
      return params.sent.pulls.filter((pull) => !branch || pull.head === branch).map(() => ({ number, html_url: `https://github.com/${params.repo}/pull/${number}` }));
    })
    .post(`/repos/${params.repo}/pulls`)
    .reply(201, async (request: Request) => {
      params.sent.pulls.push((await bodyOf(request)) as unknown as Sent["pulls"][number]);
      return { number, html_url: `https://github.com/${params.repo}/pull/${number}` };
    })
    .patch(new RegExp(`^${prefixOf(params.api)}/repos/${params.repo}/pulls/\\d+$`))
    .reply(200, async (request: Request) => {
      const body = await bodyOf(request);
      params.sent.pullUpdates.push({ number: Number(pathOf(request).split("/").pop()), ...(body.title === undefined ? {} : { title: String(body.title) }), body: String(body.body) });
      return { number, html_url: `https://github.com/${params.repo}/pull/${number}` };
    });
}

export function nockBotIdentity(params: { api?: string } = {}) {
  return nock(params.api ?? API)
    .persist()
    .get("/app")
    .reply(200, { id: 1, slug: "local-agent", name: "local-agent" })
    .get("/users/local-agent%5Bbot%5D")
    .reply(200, { login: "local-agent[bot]", id: 555, type: "Bot" });
}

/**
 * A pull request's review side: its changed files, one review's comments as GitHub lists them
 * now (edits included), thread replies and review requests (recorded in `sent`; body edits are
 * `nockCreatePull`'s PATCH, recorded as `pullUpdates`).
 */
export function nockReviewApi(params: { repo: string; number: number; /** The review a comment without `pull_request_review_id` belongs to. */ reviewId: number; files: string[]; comments: Record<string, unknown>[]; sent: Sent }) {
  const base = `/repos/${params.repo}/pulls/${params.number}`;
  return nock(API)
    .persist()
    .get(`${base}/files`)
    .query(true)
    .reply(200, params.files.map((filename, i) => ({ sha: String(i).repeat(40).slice(0, 40), filename, status: "modified", additions: 1, deletions: 1, changes: 2 })))
    .get(new RegExp(`^${base}/reviews/\\d+/comments`))
    .reply(200, (request: Request) => {
      // Each review lists only its own comments, as on GitHub.
      const reviewId = Number(/reviews\/(\d+)\//.exec(pathOf(request))?.[1]);
      return params.comments.filter((c) => (c.pull_request_review_id ?? params.reviewId) === reviewId);
    })
    .post(new RegExp(`^${base}/comments/\\d+/replies$`))
    .reply(201, async (request: Request) => {
      const commentId = Number(pathOf(request).split("/").at(-2));
      params.sent.replies.push({ commentId, body: String((await bodyOf(request)).body) });
      return { id: 70_000 + params.sent.replies.length, in_reply_to_id: commentId };
    })
    .post(`${base}/requested_reviewers`)
    .reply(201, async (request: Request) => {
      params.sent.reviewRequests.push({ number: params.number, reviewers: (await bodyOf(request)).reviewers });
      return { number: params.number };
    });
}

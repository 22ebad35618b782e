import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { Octokit } from "@octokit/rest";
import { describeGitHubFailure } from "../../src/github/api/describe-github-failure.js";
import { isTransientGitHubFailure } from "../../src/github/api/github-failure.js";
import { authorizeActor, type PermissionClient } from "../../src/github/authorize-actor.js";
import { parseTrigger } from "../../src/github/parse-trigger.js";
import { redactSecrets } from "../../src/github/redact-secrets.js";
import { examplePayload } from "../helpers/app-harness.js";

const LABEL = "local-agent";
const alice = { login: "alice", id: 1, type: "User" };

describe("parseTrigger (real payloads from @octokit/webhooks-examples)", () => {
  it("a trigger label starts a run; another label does not", () => {
    const run = parseTrigger({ event: "issues", label: LABEL, payload: examplePayload("issues", "labeled", { label: { name: LABEL }, sender: alice }) });
    expect(run).toMatchObject({ kind: "run", via: "label", target: "issue", number: 1, actor: { login: "alice" } });
    const other = parseTrigger({ event: "issues", label: LABEL, payload: examplePayload("issues", "labeled", { sender: alice }) });
    expect(other).toEqual({ kind: "ignore", reason: 'label "bug" is not the trigger label' });
  });
  it("removing the label cancels", () => {
    const payload = examplePayload("issues", "labeled", { action: "unlabeled", label: { name: LABEL }, sender: alice });
    expect(parseTrigger({ event: "issues", label: LABEL, payload })).toMatchObject({ kind: "cancel", via: "unlabel" });
  });
  it("/fix with instructions, on an issue or a pull request; /cancel; other comments ignored", () => {
    const fix = parseTrigger({ event: "issue_comment", label: LABEL, payload: examplePayload("issue_comment", "created", { comment: { body: "/fix keep the API\nand add a test", user: alice }, sender: alice }) });
    expect(fix).toMatchObject({ kind: "run", via: "comment", target: "issue", instructions: "keep the API\nand add a test", commentId: 492700400 });
    const onPr = parseTrigger({
      event: "issue_comment",
      label: LABEL,
      payload: examplePayload("issue_comment", "created", { issue: { pull_request: { url: "u" } }, comment: { body: "/fix", user: alice }, sender: alice }),
    });
    expect(onPr).toMatchObject({ kind: "run", target: "pull_request", instructions: null });
    const cancel = parseTrigger({ event: "issue_comment", label: LABEL, payload: examplePayload("issue_comment", "created", { comment: { body: "/cancel", user: alice }, sender: alice }) });
    expect(cancel).toMatchObject({ kind: "cancel", via: "comment" });
    const chatter = parseTrigger({ event: "issue_comment", label: LABEL, payload: examplePayload("issue_comment", "created", { comment: { body: "I will /fix this later", user: alice }, sender: alice }) });
    expect(chatter.kind).toBe("ignore");
    const prefix = parseTrigger({ event: "issue_comment", label: LABEL, payload: examplePayload("issue_comment", "created", { comment: { body: "/fixit", user: alice }, sender: alice }) });
    expect(prefix.kind).toBe("ignore");
  });
  it("/fix is a command only as the first non-blank text, at column 0, as a whole word", () => {
    const parse = (body: string) => parseTrigger({ event: "issue_comment", label: LABEL, payload: examplePayload("issue_comment", "created", { comment: { body, user: alice }, sender: alice }) });
    expect(parse("\n  \n/fix add a test")).toMatchObject({ kind: "run", instructions: "add a test" });
    expect(parse("/fix\r\nkeep the API")).toMatchObject({ kind: "run", instructions: "keep the API" });
    expect(parse("/fix\tnow")).toMatchObject({ kind: "run", instructions: "now" });
    expect(parse("/cancel")).toMatchObject({ kind: "cancel" });
    for (const body of [
      "    /fix",
      "Some context\n\n    /fix",
      "\u00a0/fix",
      "/fix\u00a0now",
      " /fix",
      "\t/fix",
      "/fix-me",
      "/fixit",
      "/fix.",
      "/Fix",
      "> /fix",
      "```\n/fix\n```",
      "Please look.\n/fix",
      "    /cancel",
      "/cancel-all",
    ]) {
      expect([body, parse(body).kind]).toEqual([body, "ignore"]);
    }
  });
  it("edited comments and bots never trigger", () => {
    const edited = examplePayload("issue_comment", "edited", { comment: { body: "/fix" }, sender: alice });
    expect(parseTrigger({ event: "issue_comment", label: LABEL, payload: edited })).toMatchObject({ kind: "ignore", reason: "issue_comment.edited is not a trigger" });
    const bot = examplePayload("issues", "labeled", { label: { name: LABEL }, sender: { login: "renovate[bot]", id: 2, type: "Bot" } });
    expect(parseTrigger({ event: "issues", label: LABEL, payload: bot }).kind).toBe("ignore");
    const botComment = examplePayload("issue_comment", "created", { comment: { body: "/fix", user: { login: "x[bot]", type: "Bot" } }, sender: alice });
    expect(parseTrigger({ event: "issue_comment", label: LABEL, payload: botComment }).kind).toBe("ignore");
  });
});

describe("authorizeActor: the collaborator permission API, failing closed", () => {
  afterEach(() => nock.cleanAll());
  const client = new Octokit({ request: { fetch: globalThis.fetch }, retry: { enabled: false } }) as unknown as PermissionClient;
  const ask = async (reply: { status: number; body?: unknown }) => {
    nock("https://api.github.com").get("/repos/o/r/collaborators/u/permission").reply(reply.status, reply.body ?? { message: "x" });
    return authorizeActor({ client, owner: "o", repo: "r", login: "u" });
  };
  it.each([
    ["admin", "admin", true],
    ["write", "write", true],
    ["write", "maintain", true],
    ["read", "triage", false],
    ["read", "read", false],
    ["none", "none", false],
  ])("permission %s / role %s → allowed %s", async (permission, role, allowed) => {
    const result = await ask({ status: 200, body: { permission, role_name: role, user: { login: "u" } } });
    expect(result.allowed).toBe(allowed);
    if (!result.allowed) expect(result.reason).toContain(`@u has ${role} access; write access is required`);
  });
  it("404 (not a collaborator) and 401 are refusals with a reason; 502, 429 and a reset connection are thrown, to be retried", async () => {
    const missing = await ask({ status: 404 });
    expect(missing).toMatchObject({ allowed: false, reason: "@u is not a collaborator on this repository" });
    const denied = await ask({ status: 401 });
    expect(denied).toMatchObject({ allowed: false });
    if (!denied.allowed) expect(denied.reason).toContain("permission check for @u failed (401)");
    for (const status of [502, 429]) {
      const failure = await ask({ status }).catch((error: unknown) => error);
      expect(isTransientGitHubFailure(failure)).toBe(true);
      expect(describeGitHubFailure(failure)).toContain(`GET /repos/o/r/collaborators/u/permission answered ${status}`);
    }
    nock("https://api.github.com").get("/repos/o/r/collaborators/u/permission").replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const reset = await authorizeActor({ client, owner: "o", repo: "r", login: "u" }).catch((error: unknown) => error);
    expect(isTransientGitHubFailure(reset)).toBe(true);
    expect(describeGitHubFailure(reset)).toBe("GET /repos/o/r/collaborators/u/permission failed: ECONNRESET");
  });
});

describe("redactSecrets", () => {
  it("removes the exact secrets and anything shaped like a GitHub token or key", () => {
    const jwtStyle = `ghs_123_${"eyJhbGciOiJSUzI1NiJ9".repeat(20)}.abc-def_ghi`;
    const text = [
      "token ghs_16C7e42F292c6912E7710c838347Ae178B4a here",
      "classic ghp_16C7e42F292c6912E7710c838347Ae178B4a",
      "fine github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
      `new ${jwtStyle}`,
      "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
      "webhook secret: s3cret-value-123",
    ].join("\n");
    const out = redactSecrets(text, ["s3cret-value-123"]);
    expect(out).not.toMatch(/gh[ps]_[A-Za-z0-9]/);
    expect(out).not.toContain("github_pat_");
    expect(out).not.toContain("eyJhbGci");
    expect(out).not.toContain("MIIE");
    expect(out).not.toContain("s3cret-value-123");
    expect(out.match(/\[redacted\]/g)).toHaveLength(6);
  });
});

describe("parseTrigger: what is ignored, and why (the reason is logged)", () => {
  const comment = (body: string, patch: Record<string, unknown> = {}) =>
    examplePayload("issue_comment", "created", { comment: { body, user: alice }, sender: alice, ...patch });
  const parse = (event: string, payload: Record<string, unknown>) => parseTrigger({ event, label: LABEL, payload });
  it("names the bot, the missing number, the missing sender, the action and the event", () => {
    const labeled = (patch: Record<string, unknown>) => examplePayload("issues", "labeled", { label: { name: LABEL }, sender: alice, ...patch });
    expect(parse("issues", labeled({ sender: { login: "renovate[bot]", id: 2, type: "Bot" } }))).toEqual({ kind: "ignore", reason: "sender renovate[bot] is a bot" });
    expect(parse("issues", { action: "labeled", label: { name: LABEL }, sender: { id: 2, type: "Bot" }, issue: { number: 4 } })).toEqual({ kind: "ignore", reason: "sender ? is a bot" });
    expect(parse("issues", { action: "labeled", label: { name: LABEL }, sender: alice, issue: {} })).toEqual({ kind: "ignore", reason: "the payload has no issue number" });
    expect(parse("issues", { action: "labeled", label: { name: LABEL }, sender: { id: 3, type: "User" }, issue: { number: 4 } })).toEqual({
      kind: "ignore",
      reason: "the payload has no sender",
    });
    expect(parse("issues", { action: "labeled", sender: alice, issue: { number: 4 } })).toEqual({ kind: "ignore", reason: 'label "" is not the trigger label' });
    expect(parse("issues", labeled({ action: "opened" }))).toEqual({ kind: "ignore", reason: "issues.opened is not a trigger" });
    expect(parse("issues", { label: { name: LABEL }, sender: alice, issue: { number: 4 } })).toEqual({ kind: "ignore", reason: "issues.? is not a trigger" });
    expect(parse("issue_comment", { comment: { body: "/fix" }, sender: alice, issue: { number: 4 } })).toEqual({ kind: "ignore", reason: "issue_comment.? is not a trigger" });
    expect(parse("issue_comment", comment("/fix", { comment: { body: "/fix", user: { login: "ci", type: "Bot" } } }))).toEqual({
      kind: "ignore",
      reason: "the comment's author is a bot",
    });
    expect(parse("issue_comment", comment("thanks!"))).toEqual({ kind: "ignore", reason: "the comment is not a command" });
    // A /fix in another event's payload (a discussion comment) is not read as a command.
    expect(parse("discussion_comment", comment("/fix"))).toEqual({ kind: "ignore", reason: "discussion_comment events are not triggers" });
  });
  it("knows a bot by its type alone or by its [bot] login alone, not by [bot] elsewhere in the login", () => {
    const sender = (user: Record<string, unknown>) => parse("issues", examplePayload("issues", "labeled", { label: { name: LABEL }, sender: user })).kind;
    expect(sender({ login: "ci-robot", id: 5, type: "Bot" })).toBe("ignore");
    expect(sender({ login: "helper[bot]", id: 5, type: "User" })).toBe("ignore");
    expect(sender({ login: "[bot]alice", id: 5, type: "User" })).toBe("run");
  });
  it("reads a lone carriage return as a line break and ignores trailing blanks after the command", () => {
    expect(parse("issue_comment", comment("/fix\rkeep the API"))).toMatchObject({ kind: "run", instructions: "keep the API" });
    expect(parse("issue_comment", comment("/fix \t "))).toMatchObject({ kind: "run", instructions: null });
    expect(parse("issue_comment", comment("/cancel  "))).toMatchObject({ kind: "cancel" });
  });
});

describe("authorizeActor: roles", () => {
  afterEach(() => nock.cleanAll());
  const client = new Octokit({ request: { fetch: globalThis.fetch }, retry: { enabled: false } }) as unknown as PermissionClient;
  it("allows a custom role built on write (role_name is the custom role, permission says write)", async () => {
    nock("https://api.github.com").get("/repos/o/r/collaborators/u/permission").reply(200, { permission: "write", role_name: "deployer", user: { login: "u" } });
    expect(await authorizeActor({ client, owner: "o", repo: "r", login: "u" })).toEqual({ allowed: true, permission: "deployer" });
  });
});

describe("redactSecrets: edges", () => {
  it("redacts a whole installation token of 30 characters with dots and dashes, and leaves shorter ghs_ words", () => {
    const token = `ghs_ab.cd-ef_${"x".repeat(21)}`;
    expect(token.length - 4).toBe(30);
    expect(redactSecrets(`a ${token} b`)).toBe("a [redacted] b");
    expect(redactSecrets("a ghs_short b")).toBe("a ghs_short b");
  });
  it("redacts held secrets of 8 characters or more, and never an empty or a shorter one", () => {
    expect(redactSecrets("key 12345678 ok", ["12345678"])).toBe("key [redacted] ok");
    expect(redactSecrets("key 1234567 ok", ["1234567", "", null, undefined])).toBe("key 1234567 ok");
  });
});

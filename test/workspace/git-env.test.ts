import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gitBaseEnv, gitCredentialEnv, TOKEN_VARIABLE } from "../../src/workspace/git/git-credential-env.js";

const TOKEN = "ghs_envTestToken000000000000000000000000";
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

/** The environment host git runs with: what it keeps from the host, and how the token reaches it. */
describe("git's environment", () => {
  it("keeps only what git needs from the host (no app secrets), and turns off prompts, system config, optional locks and pathspec magic", () => {
    const host = { PATH: "/usr/bin", HOME: "/home/app", TMPDIR: "/tmp/x", SSL_CERT_FILE: "/c.pem", SSL_CERT_DIR: "/certs", GIT_SSL_CAINFO: "/ca.pem", HTTPS_PROXY: "http://p:1", HTTP_PROXY: "http://p:2", NO_PROXY: "localhost" };
    expect(gitBaseEnv({ ...host, WEBHOOK_SECRET: "s3cret", PRIVATE_KEY: "-----BEGIN", GIT_DIR: "/elsewhere", LANG: "de_DE.UTF-8" })).toEqual({
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_OPTIONAL_LOCKS: "0",
      GIT_LITERAL_PATHSPECS: "1",
      LANG: "C",
      ...host,
    });
    expect(gitBaseEnv({})).not.toHaveProperty("PATH");
  });

  it("gives the token to git only through a helper that first resets the user's own helpers (a `store` helper never writes it)", async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), "la-gitenv-"));
    dirs.push(home);
    // The user's global config would save every credential it is told about to ~/.git-credentials.
    await fs.writeFile(path.join(home, ".gitconfig"), "[credential]\n\thelper = store\n");
    const env = { ...gitBaseEnv({ PATH: process.env.PATH, HOME: home }), ...gitCredentialEnv(TOKEN) };
    const run = (args: string[], input: string) => execFileSync("git", args, { env, input, cwd: home }).toString();
    expect(run(["credential", "fill"], "protocol=https\nhost=example.test\n\n")).toContain(`username=x-access-token\npassword=${TOKEN}\n`);
    // What git does after a push that worked: every configured helper is asked to keep the credential.
    run(["credential", "approve"], `protocol=https\nhost=example.test\nusername=x-access-token\npassword=${TOKEN}\n\n`);
    await expect(fs.stat(path.join(home, ".git-credentials"))).rejects.toThrow(/ENOENT/);
    expect(env[TOKEN_VARIABLE]).toBe(TOKEN);
    expect(gitCredentialEnv(null)).toEqual({});
  });
});

/** The variable the credential helper reads; the token lives only in the git process's env. */
export const TOKEN_VARIABLE = "LOCAL_AGENT_GIT_TOKEN";

/**
 * Environment that hands the installation token to git through a credential helper defined in
 * `GIT_CONFIG_*` variables: the token never appears in the clone URL, argv, `.git/config` or a
 * credentials file. The empty first value resets helpers from system/global config (a `store`
 * helper there would otherwise save the token to disk).
 */
export function gitCredentialEnv(token: string | null): Record<string, string> {
  if (token === null) return {};
  return {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: "credential.helper",
    GIT_CONFIG_VALUE_0: "",
    GIT_CONFIG_KEY_1: "credential.helper",
    GIT_CONFIG_VALUE_1: `!f() { test "$1" = get || exit 0; echo username=x-access-token; echo "password=$${TOKEN_VARIABLE}"; }; f`,
    [TOKEN_VARIABLE]: token,
  };
}

/** Only what git needs from the host environment: no app secrets ride along. */
export function gitBaseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_OPTIONAL_LOCKS: "0",
    // Paths that reach git are file names the agent or the tests chose: never pathspec magic or globs.
    GIT_LITERAL_PATHSPECS: "1",
    LANG: "C",
  };
  for (const name of ["PATH", "HOME", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"]) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

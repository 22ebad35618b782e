import { getWebFlowAuthorizationUrl } from "@octokit/oauth-methods";

/** GitHub's authorize page for the App's OAuth web flow, returning to `redirectUrl` with `state`. */
export function githubSignInUrl(params: { clientId: string; redirectUrl: string; state: string }): string {
  return getWebFlowAuthorizationUrl({ clientType: "github-app", clientId: params.clientId, redirectUrl: params.redirectUrl, state: params.state, allowSignup: false }).url;
}

import { deleteToken, exchangeWebFlowCode } from "@octokit/oauth-methods";
import { request as octokitRequest } from "@octokit/request";

/**
 * Finishes GitHub sign-in: trades the callback's code for a user token (with the App's client
 * secret, server to server), asks GitHub whose token it is, then revokes it. The dashboard needs
 * only the login; permission checks use the App's installation token, so no user token is kept.
 */
export async function exchangeSignInCode(params: { clientId: string; clientSecret: string; code: string; redirectUrl: string; fetch?: typeof fetch }): Promise<string> {
  const request = octokitRequest.defaults({ request: params.fetch ? { fetch: params.fetch } : {} });
  const { authentication } = await exchangeWebFlowCode({
    clientType: "github-app",
    clientId: params.clientId,
    clientSecret: params.clientSecret,
    code: params.code,
    redirectUrl: params.redirectUrl,
    request,
  });
  try {
    const { data } = await request("GET /user", { headers: { authorization: `token ${authentication.token}` } });
    return data.login;
  } finally {
    await deleteToken({ clientType: "github-app", clientId: params.clientId, clientSecret: params.clientSecret, token: authentication.token, request }).catch(() => undefined);
  }
}

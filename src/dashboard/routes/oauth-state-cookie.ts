/** The cookie that ties GitHub's callback to the browser that started the sign-in. */
export const OAUTH_STATE_COOKIE = "la_oauth_state";

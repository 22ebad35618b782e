/**
 * Who is looking at the dashboard. `local`: a browser on the app's own machine (loopback, no
 * proxy in between), trusted like a shell on it. `user`: a GitHub user signed in through the
 * App's OAuth flow, who sees what they have write access to. `anonymous`: anyone else, who sees
 * nothing but the way to sign in.
 */
export type Viewer =
  | { kind: "local"; csrfKey: string }
  | { kind: "user"; login: string; sessionId: string; csrfKey: string }
  | { kind: "anonymous" };

import { html, type SafeHtml } from "./html.js";
import type { Viewer } from "./viewer.js";

export type Section = "runs" | "queue" | "models" | null;

/**
 * The page around every dashboard view: one stylesheet and one small script (no inline code, so
 * the Content-Security-Policy can forbid it), a skip link, the navigation with the current page
 * marked for screen readers, and who is signed in.
 */
export function renderLayout(params: { title: string; section: Section; viewer: Viewer; csrf: string | null; body: SafeHtml; head?: SafeHtml }): SafeHtml {
  const link = (section: Exclude<Section, null>, label: string) =>
    html`<a href="/local-agent/${section}"${params.section === section ? html` aria-current="page"` : ""}>${label}</a>`;
  const viewer = params.viewer;
  const who =
    viewer.kind === "local"
      ? html`<span>On this machine: no sign-in needed</span>`
      : viewer.kind === "user"
        ? html`<span>Signed in as <strong>@${viewer.login}</strong></span> <form method="post" action="/local-agent/logout" class="inline"><input type="hidden" name="csrf" value="${params.csrf ?? ""}"><button type="submit">Sign out</button></form>`
        : html`<a href="/local-agent/login">Sign in with GitHub</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${params.title} · local-agent</title>
<link rel="stylesheet" href="/local-agent/static/dashboard.css">
<script src="/local-agent/static/dashboard.js" defer></script>
${params.head ?? ""}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<nav aria-label="Dashboard"><strong class="brand">local-agent</strong> ${link("runs", "Runs")} ${link("queue", "Queue")} ${link("models", "Models")}</nav>
<div class="viewer">${who}</div>
</header>
<main id="main">
${params.body}
</main>
</body>
</html>
`;
}

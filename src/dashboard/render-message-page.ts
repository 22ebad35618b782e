import { html, type SafeHtml } from "./html.js";

/** A short page that says what happened and what to do (not found, sign-in needed, refused). */
export function renderMessagePage(params: { heading: string; text: string; action?: { href: string; label: string } | null }): SafeHtml {
  return html`<h1>${params.heading}</h1><p>${params.text}</p>${params.action ? html`<p><a class="button" href="${params.action.href}">${params.action.label}</a></p>` : ""}`;
}

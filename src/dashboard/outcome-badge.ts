import { html, type SafeHtml } from "./html.js";

const LABELS: Record<string, string> = { completed: "✓ completed", answered: "✓ answered", failed: "✗ failed", cancelled: "– cancelled" };

/** A run's outcome as text with a symbol (never colour alone). */
export function outcomeBadge(outcome: string): SafeHtml {
  return html`<span class="badge outcome-${LABELS[outcome] ? outcome : "other"}">${LABELS[outcome] ?? outcome}</span>`;
}

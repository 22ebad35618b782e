import { html, type SafeHtml } from "./html.js";

/** A unified diff, line by line, marked up for colour and with the +/- kept as text. */
export function renderDiff(diff: string | null): SafeHtml {
  if (diff === null || diff.trim() === "") return html`<p class="empty">No diff was recorded for this run.</p>`;
  const lines = diff.replace(/\n$/, "").split("\n");
  const kind = (line: string) =>
    line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") || line.startsWith("index ") || line.startsWith("new file")
      ? "meta"
      : line.startsWith("@@")
        ? "hunk"
        : line.startsWith("+")
          ? "add"
          : line.startsWith("-")
            ? "del"
            : "ctx";
  return html`<pre class="diff" tabindex="0" aria-label="Diff of the run's changes"><code>${lines.map((line) => html`<span class="d-${kind(line)}">${line}</span>`)}</code></pre>`;
}

/**
 * Text the app did not write (the model's summary or answer, an error message, a file name) made
 * inert for GitHub markdown: HTML escaped, mentions neutralized (`@\u200bteam` pings nobody), and
 * either flattened to one line (`inline`, for a headline or a table cell) or quoted (`quote`: a
 * block quote contains the text's own markdown, so an unclosed code fence or a stray `</details>`
 * cannot swallow the app's sections that follow).
 */
export function escapeUntrusted(text: string, style: "inline" | "quote"): string {
  const safe = text
    .replace(/\r\n?/g, "\n")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=[\p{L}\p{N}_-])/gu, "@\u200b");
  if (style === "inline") return safe.replace(/\s*\n\s*/g, " ").replace(/`/g, "\\`").trim();
  return safe
    .trim()
    .split("\n")
    .map((line) => (line.trim() === "" ? ">" : `> ${line}`))
    .join("\n");
}

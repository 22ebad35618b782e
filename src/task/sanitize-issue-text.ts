/**
 * Issue text is attacker-controlled and goes into the model's prompt. Strip what a human reviewer
 * cannot see but a model reads: HTML comments, invisible and bidi control characters (including
 * Unicode "tag" characters used for ASCII smuggling), image alt text and hidden HTML attributes.
 */
export function sanitizeIssueText(text: string): string {
  let out = text.replace(/\r\n?/g, "\n");
  // Unterminated comments hide everything after them in rendered markdown, so they go too.
  out = out.replace(/<!--[\s\S]*?(?:-->|$)/g, "");
  // Format characters (zero-width, bidi overrides, tag characters, BOM, soft hyphen).
  out = out.replace(/\p{Cf}/gu, "");
  // Other control characters except tab and newline.
  out = out.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "");
  // Markdown image alt text is not shown in the rendered issue.
  out = out.replace(/!\[[^\]]*\]\(/g, "![](");
  // Hidden or non-visible HTML attributes.
  out = out.replace(/\s(?:alt|title|aria-[\w-]+|data-[\w-]+|hidden|style)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "");
  out = out.replace(/<(\w+)[^>]*\shidden(?=[\s>])[^>]*>[\s\S]*?<\/\1>/gi, "");
  return out;
}

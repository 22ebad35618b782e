import { describe, expect, it } from "vitest";
import { cutMarkdown } from "../../src/github/render/cut-markdown.js";
import { neutralizeClosingReferences } from "../../src/github/render/neutralize-closing-references.js";
import { GITHUB_BODY_LIMIT, renderForGitHub, renderPlainLine } from "../../src/github/render/render-for-github.js";
import { closingReferences } from "../helpers/github-closing-references.js";

const KEYWORDS = ["close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved"];
const CASES = [(k: string) => k, (k: string) => k.toUpperCase(), (k: string) => k[0]?.toUpperCase() + k.slice(1), (k: string) => [...k].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join("")];
const REFERENCES = ["#1", "octo/other#3", "octo.js/my-repo.io#33", "GH-7", "https://github.com/octo/calc/issues/4", "http://www.github.com/octo/calc/pull/5"];
const SEPARATORS = [" ", ": ", ":", "  ", "\n", " **", ":\t"];
const ZWSP = /\u200b/g;
const untrusted = (text: string) => renderForGitHub({ parts: [{ untrusted: text, style: "inline", max: 10_000 }], secrets: [] });

describe("closing references", () => {
  it("the oracle sees what GitHub would close (so the tests below can fail)", () => {
    expect(closingReferences("This also fixes #1, Closes: #2, resolved octo/other#3 and fixes https://github.com/octo/calc/issues/4")).toEqual([
      "#1",
      "#2",
      "octo/other#3",
      "https://github.com/octo/calc/issues/4",
    ]);
    expect(closingReferences("Fixes #1, #2 and #3")).toEqual(["#1", "#2", "#3"]);
  });

  it("every keyword, in every case, with or without a colon, before every kind of reference, is made inert but stays readable", () => {
    let checked = 0;
    for (const keyword of KEYWORDS) {
      for (const casing of CASES) {
        for (const separator of SEPARATORS) {
          for (const reference of REFERENCES) {
            const text = `Done. ${casing(keyword)}${separator}${reference} as asked.`;
            expect(closingReferences(text)).toHaveLength(1);
            const out = untrusted(text);
            expect([text, closingReferences(out)]).toEqual([text, []]);
            // Readable: the same characters once the zero-width spaces are gone (whitespace as inline text shows it).
            expect(out.replace(ZWSP, "")).toBe(text.replace(/\s*\n\s*/g, " ").replace(/\*/g, "*"));
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(KEYWORDS.length * CASES.length * SEPARATORS.length * REFERENCES.length);
  });

  it("lists, emphasis, brackets and quotes around the reference are covered too", () => {
    for (const text of [
      "This also fixes #1, Closes: #2, resolved octo/other#3 and fixes https://github.com/octo/calc/issues/4",
      "Fixes #1, #2, #3 and #4 & #5 + #6",
      "**Fixes** #9",
      "_closes_: (#10)",
      'resolves "#11"',
      "fixes [#12](https://example.com)",
      "pre-fixes #13",
      "`fixes #14`",
    ]) {
      expect([text, closingReferences(untrusted(text))]).toEqual([text, []]);
    }
  });

  it("leaves text without a closing reference alone and is idempotent", () => {
    for (const text of ["prefixes #1 and suffixes #2", "the fix is in #3", "see #4", "fixes the bug", "Closes the file handle"]) {
      expect(neutralizeClosingReferences(text)).toBe(text);
    }
    const once = neutralizeClosingReferences("fixes #1 and closes octo/x#2");
    expect(neutralizeClosingReferences(once)).toBe(once);
  });

  it("the app's own `Fixes #n` is the one closing reference left, and it leads the body", () => {
    const body = renderForGitHub({ parts: [{ own: "### What changed\n" }, { untrusted: "Also fixes #1 and resolves octo/x#2.", style: "quote", max: 1000 }], secrets: [], closes: 12 });
    expect(body.startsWith("Fixes #12\n\n")).toBe(true);
    expect(closingReferences(body)).toEqual(["#12"]);
  });

  it("plain lines (titles, commit subjects) lose closing references too", () => {
    const title = renderPlainLine({ text: "Typo in README; closes #1\nand more", max: 250, secrets: [] });
    expect(closingReferences(title)).toEqual([]);
    expect(title.replace(ZWSP, "")).toBe("Typo in README; closes #1 and more");
  });
});

describe("renderForGitHub", () => {
  it("neutralizes mentions and HTML in untrusted text, and quotes it so its markdown cannot swallow what follows", () => {
    const body = renderForGitHub({
      parts: [{ untrusted: "Ping @org/security-team and @alice <img src=x onerror=alert(1)>\n```\nunclosed fence </details>", style: "quote", max: 1000 }, { own: "\n\n### Tests\n" }],
      secrets: [],
    });
    expect(body).not.toMatch(/@(?!\u200b)/);
    expect(body).toContain("@\u200borg/security-team");
    expect(body).not.toContain("<img");
    expect(body).not.toContain("</details>");
    // Every line of the untrusted text is inside the block quote; the app's heading is not.
    const lines = body.split("\n");
    expect(lines.slice(0, lines.indexOf("### Tests") - 1).every((line) => line.startsWith(">"))).toBe(true);
  });

  it("redacts the job's tokens and token-shaped strings in every kind of part", () => {
    const token = "ghs_jobScopedToken1234567890abcdefghijklmnop";
    const body = renderForGitHub({
      parts: [{ own: `own ${token}` }, { untrusted: `model ${token} and ghp_16C7e42F292c6912E7710c838347Ae178B4a`, style: "inline", max: 500 }, { markdown: `report ${token}` }],
      secrets: [token],
    });
    expect(body).not.toContain("ghs_");
    expect(body).not.toContain("ghp_");
    expect(body.match(/\[redacted\]/g)).toHaveLength(4);
  });

  it("caps untrusted parts so the app's own parts always fit within GitHub's limit", () => {
    const footer = "\n\n---\nWritten by a local model through local-agent.";
    const body = renderForGitHub({
      parts: [{ own: "### Summary\n" }, { untrusted: "x".repeat(70_000), style: "quote", max: 100_000 }, { own: "\n\n### Report\n" }, { markdown: `<details>\n\n${"| a | b |\n".repeat(10_000)}\n</details>` }, { own: footer }],
      secrets: [],
    });
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body.endsWith(footer)).toBe(true);
    expect(body).toContain("### Report");
  });

  it("cuts markdown at a line and closes the fence and <details> it leaves open", () => {
    const cut = cutMarkdown({ text: `<details><summary>x</summary>\n\n\`\`\`\n${"line\n".repeat(500)}\`\`\`\n</details>`, max: 400, note: "see the check run" });
    expect(cut.length).toBeLessThanOrEqual(400);
    expect(cut).toMatch(/```\n\n<\/details>\n\n… \(\d+ more characters cut: see the check run\)$/);
  });
});

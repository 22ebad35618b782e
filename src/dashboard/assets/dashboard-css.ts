/** The dashboard's stylesheet, served as a file so the Content-Security-Policy can forbid inline styles. */
export const DASHBOARD_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; --accent: #0b5cad; --ok: #1a7f37; --bad: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, select:focus-visible, pre:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
.top { display: flex; justify-content: space-between; align-items: center; gap: 16px; padding: 10px 24px; border-bottom: 1px solid var(--line); background: var(--soft); flex-wrap: wrap; }
.top nav a { margin-right: 14px; text-decoration: none; font-weight: 600; }
.top nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: 4px; }
.brand { margin-right: 18px; }
main { padding: 16px 24px 48px; max-width: 1280px; }
h1 { font-size: 1.6em; margin: 8px 0 4px; } h2 { font-size: 1.25em; margin-top: 28px; border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.93em; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
thead th { background: var(--soft); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.what { max-width: 36em; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; overflow-wrap: anywhere; }
.muted { color: var(--muted); } .empty { color: var(--muted); font-style: italic; }
.ok { color: var(--ok); } .bad { color: var(--bad); }
table.turns .ok, table.turns .bad, .badge { white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; border: 1px solid var(--line); font-size: 0.9em; white-space: nowrap; }
.outcome-completed, .outcome-answered, .level-ok { border-color: var(--ok); color: var(--ok); }
.outcome-failed, .level-fail { border-color: var(--bad); color: var(--bad); }
.level-warn { border-color: var(--warn); color: var(--warn); }
.status-running { border-color: var(--accent); color: var(--accent); }
.tag { font-size: 0.8em; border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; color: var(--muted); }
.filters { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 8px 0 12px; }
select, button, .button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--fg); text-decoration: none; cursor: pointer; }
form.inline { display: inline; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; overflow-wrap: anywhere; }
.lead { font-size: 1.05em; }
.crumbs { color: var(--muted); margin: 0; }
.links li { margin: 2px 0; }
ul.plain { list-style: none; margin: 0; padding: 0; }
blockquote.model-text { margin: 4px 0 12px; padding: 6px 12px; border-left: 4px solid var(--line); background: var(--soft); white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 12px 0 20px; } figcaption { color: var(--muted); font-size: 0.9em; }
svg.chart { width: 100%; max-width: 900px; height: auto; display: block; background: #fff; border: 1px solid var(--line); border-radius: 6px; font-family: system-ui, sans-serif; }
svg .grid { stroke: #eaeef2; } svg .axis { stroke: #57606a; }
svg .tick, svg .axis-label { font-size: 11px; fill: #424a53; }
svg .bar-agent { fill: #4c78a8; } svg .bar-summary { fill: #a5a5a5; } svg .bar-latency { fill: #6f4aa8; }
svg .limit { stroke-width: 2; } svg .limit.budget { stroke: #c4661f; stroke-dasharray: 6 4; } svg .limit.window { stroke: #b42318; }
svg .limit-label { font-size: 11px; font-weight: 600; } svg .limit-label.budget { fill: #8a4512; } svg .limit-label.window { fill: #b42318; }
svg .mark { font-size: 11px; font-weight: 700; fill: #1b1f24; } svg .mark-reinject { fill: #0b5cad; }
svg .validity-valid { fill: #1a7f37; } svg .validity-invalid { fill: #b42318; } svg .validity-none { fill: #d0d7de; }
svg .cell-mark { font-size: 14px; font-weight: 700; fill: #fff; }
pre.diff { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; max-height: 40em; font-size: 0.88em; }
pre.diff span { display: block; white-space: pre; min-height: 1.2em; }
table.turns code, table.runs code { overflow-wrap: normal; white-space: nowrap; }
.d-add { background: #dafbe1; } .d-del { background: #ffebe9; } .d-hunk { color: #0550ae; } .d-meta { color: var(--muted); font-weight: 600; }
.notice { padding: 6px 12px; border: 1px solid var(--accent); border-radius: 6px; background: #ddf4ff; }
.findings li { margin: 4px 0; } .findings .level-fail strong { color: var(--bad); } .findings .level-warn strong { color: var(--warn); } .findings .level-ok strong { color: var(--ok); }
tr.target th { font-weight: 700; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

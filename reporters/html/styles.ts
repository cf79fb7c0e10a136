/** The report's own stylesheet (uPlot's is inlined beside it). Light and dark follow the system. */
export const STYLES = `
:root { --bg: #fff; --fg: #1d232a; --muted: #5f6b76; --line: #dde3e8; --pass: #1e7b3c;
  --pass-bg: #e3f4e8; --fail: #b42318; --fail-bg: #fde8e6; --warn: #8a5a00; --warn-bg: #fff4d6;
  --head: #f4f6f8; --chip: #eef1f4; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14181c; --fg: #e4e8ec; --muted: #98a4ae; --line: #2c343c; --pass: #6fd08c;
    --pass-bg: #15301f; --fail: #ff8a7a; --fail-bg: #3a1714; --warn: #ffcf66; --warn-bg: #33290f;
    --head: #1c2227; --chip: #242c33; }
  .u-legend, .u-title { color: var(--fg); }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; overflow-wrap: anywhere; }
h4 { font-size: 14px; margin: 16px 0 6px; }
a { color: inherit; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.verdict { display: inline-block; padding: 3px 10px; border-radius: 4px; font-weight: 700; }
.verdict.pass { background: var(--pass-bg); color: var(--pass); }
.verdict.fail { background: var(--fail-bg); color: var(--fail); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 6px 24px;
  margin: 12px 0; }
.facts div { overflow-wrap: anywhere; }
.facts b { display: block; font-size: 12px; color: var(--muted); font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
#compliance { font-size: 13px; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.pass { background: var(--pass-bg); color: var(--pass); }
td.fail { background: var(--fail-bg); color: var(--fail); font-weight: 600; }
td.none { color: var(--muted); }
#other-tests div.pass { color: var(--pass); }
#other-tests div.fail { color: var(--fail); font-weight: 600; }
td.name { overflow-wrap: anywhere; min-width: 200px; max-width: 360px; }
td.name .mono { font-size: 11.5px; }
.table-wrap { overflow-x: auto; }
.chip { display: inline-block; background: var(--chip); border-radius: 10px; padding: 0 8px;
  margin: 0 4px 2px 0; font-size: 12px; }
.warning { background: var(--warn-bg); color: var(--warn); border-radius: 4px; padding: 8px 12px;
  margin: 8px 0; }
.error { background: var(--fail-bg); color: var(--fail); border-radius: 4px; padding: 8px 12px;
  margin: 8px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
section.scenario { border: 1px solid var(--line); border-radius: 6px; padding: 16px; margin: 16px 0; }
section.scenario.failed { border-left: 4px solid var(--fail); }
section.scenario.passed { border-left: 4px solid var(--pass); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
.chart { min-height: 240px; min-width: 0; }
.chart-error { color: var(--fail); }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
ul.insights { padding-left: 20px; margin: 4px 0; }
ul.insights li { margin: 2px 0; overflow-wrap: anywhere; }
.sev-critical { color: var(--fail); font-weight: 600; }
.sev-warning { color: var(--warn); font-weight: 600; }
footer { margin: 32px 0 8px; color: var(--muted); font-size: 12px; }
`

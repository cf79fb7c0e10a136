/** The dashboard's own styles (uPlot's stylesheet is inlined beside them). */
export const DASHBOARD_CSS = `
:root { color-scheme: light; --ink: #1c2430; --muted: #5f6b7a; --line: #dde3ea; --bg: #f5f7fa;
  --critical: #b71c1c; --high: #e65100; --medium: #b7860b; --low: #546e7a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: baseline; padding: 14px 20px;
  background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 18px; margin: 0 12px 0 0; }
header .meta { color: var(--muted); }
.status { padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600;
  background: #e0e0e0; }
.status.live { background: #d7f5dd; color: #1b5e20; }
.status.paused { background: #e3e8ef; color: #37474f; }
.status.offline, .status.connecting { background: #fff3cd; color: #7a5300; }
.status.stale { background: #c62828; color: #fff; }
main { padding: 16px 20px 40px; display: grid; gap: 18px; }
h2 { font-size: 15px; margin: 0 0 8px; display: flex; gap: 8px; align-items: baseline; }
h2 small { color: var(--muted); font-weight: 400; }
.grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px;
  overflow-x: auto; }
#analysis { display: grid; gap: 12px; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 1000px) {
  #analysis { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); align-items: start; }
}
#predictions td, #predictions th { padding: 4px 6px; font-size: 12px; }
#predictions th { white-space: nowrap; }
#predictions td.series { overflow-wrap: anywhere; }
#predictions td.verdict { white-space: nowrap; }
.card-head { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
.card h3 { font-size: 13px; margin: 0; }
.card .now { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 12px; }
.card .note { margin: 0 0 4px; color: var(--muted); font-size: 11px; }
.plot { width: 100%; min-height: 170px; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.summary { width: 45%; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 4px; color: #fff; font-size: 12px;
  font-weight: 600; white-space: nowrap; }
.badge.critical { background: var(--critical); } .badge.high { background: var(--high); }
.badge.medium { background: var(--medium); } .badge.low { background: var(--low); }
tr.pending td { opacity: 0.7; }
tr.breach td { color: var(--high); }
.empty { color: var(--muted); }
ul.plain { margin: 0; padding-left: 18px; }
#token-form { background: #fff3cd; border: 1px solid #e0c36a; padding: 10px 12px; border-radius: 8px; }
#token-form input { font: inherit; padding: 4px 6px; min-width: 260px; }
`

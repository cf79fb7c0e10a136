import { chartAssets } from '../../charts.js'
import type { DashboardInfo } from '../types.js'
import { CLIENT_SCRIPT } from './client.js'
import { DASHBOARD_CSS } from './styles.js'

/** Options of `renderDashboard`; defaults named per field. */
export interface DashboardOptions {
  /** Points each chart keeps in the browser (older ones are dropped); default 720. */
  maxPoints?: number
}

/**
 * The monitor's dashboard: one self-contained HTML page (uPlot and its CSS inlined, no CDN,
 * no other file; an empty inline icon, so the browser does not ask for `/favicon.ico`) with live charts for host CPU, memory, disk and network (with the level
 * bands), each endpoint's latency (p50/p95/p99) and availability against its objectives,
 * active alerts, insights and predictions. The page loads state from the REST API, then
 * follows `/ws/metrics`; see `client.ts` for how it behaves in the browser. Every string the
 * server writes into the page is escaped here; the browser code escapes what it receives.
 */
export function renderDashboard(info: DashboardInfo, options: DashboardOptions = {}): string {
  const maxPoints = options.maxPoints ?? 720
  const { script, css } = chartAssets()
  const config = {
    title: info.title,
    intervalMs: info.intervalMs,
    endpoints: info.endpoints,
    levels: info.levels,
    tokenRequired: info.tokenRequired,
    maxPoints,
  }
  const title = escapeHtml(info.title)
  const interval = escapeHtml(formatInterval(info.intervalMs))

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${escapeRawText(css, 'style')}</style>
<style>${DASHBOARD_CSS}</style>
</head>
<body data-updates="0">
<header>
  <h1>${title}</h1>
  <span id="status" class="status connecting" data-state="connecting">connecting…</span>
  <span class="meta">every ${interval}</span>
  <span id="updated" class="meta"></span>
</header>
<main>
  <form id="token-form" hidden>
    <p id="token-message"></p>
    <label>Token <input id="token-input" type="password" autocomplete="off"></label>
    <button id="token-submit" type="submit">Open</button>
  </form>
  <section id="alerts" aria-labelledby="alerts-title">
    <h2 id="alerts-title">Active alerts <small id="alerts-count">0</small></h2>
    <table>
      <thead><tr><th>Severity</th><th>State</th><th>Rule</th><th>Series</th><th>Summary</th>
      <th>Value / threshold</th><th>Since</th></tr></thead>
      <tbody id="alerts-body"></tbody>
    </table>
    <p id="alerts-empty" class="empty">No active alert.</p>
    <ul id="resolved-list" class="plain"></ul>
  </section>
  <section aria-labelledby="host-title">
    <h2 id="host-title">Host <small>shaded: warning and critical levels</small></h2>
    <div id="host-charts" class="grid"></div>
  </section>
  <section aria-labelledby="endpoints-title">
    <h2 id="endpoints-title">Endpoints <small>dashed: objective</small></h2>
    <div id="endpoint-charts" class="grid"></div>
  </section>
  <section id="analysis">
    <div class="card" id="insights">
      <h2>Insights <small id="insights-time"></small></h2>
      <ul id="insights-list" class="plain"></ul>
    </div>
    <div class="card" id="predictions">
      <h2>Predictions <small id="predictions-horizon"></small></h2>
      <table>
        <thead><tr><th>Series</th><th>Now</th><th>Predicted</th><th>Threshold</th>
        <th>Reaches in</th><th>Breach</th></tr></thead>
        <tbody id="predictions-body"></tbody>
      </table>
      <p id="predictions-empty" class="empty">No prediction yet.</p>
    </div>
  </section>
</main>
<script type="application/json" id="dashboard-config">${escapeJson(config)}</script>
<script>${escapeRawText(script, 'script')}</script>
<script>${escapeRawText(CLIENT_SCRIPT, 'script')}</script>
</body>
</html>
`
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** JSON safe inside a `<script>` element: no `<` (so no `</script>`), no line separators. */
export function escapeJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029')
}

/** Code or CSS inside `<script>`/`<style>`: breaks any closing tag it might contain. */
function escapeRawText(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1')
}

function formatInterval(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

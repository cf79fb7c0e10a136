import type { DashboardInfo } from './types.js'

/** A plain page listing the API, served at `GET /` when no dashboard renderer is given. */
export function fallbackPage(info: DashboardInfo): string {
  const html = (text: string) => text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
  const endpoints = info.endpoints.map(e => `<li>${html(e.name)}</li>`).join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${html(info.title)}</title></head>
<body><h1>${html(info.title)}</h1><p>Interval ${info.intervalMs} ms.</p><ul>${endpoints}</ul>
<p>API: /api/metrics/current, /api/metrics/historical/{component}/{metric}?hours=24,
/api/alerts/active, /api/analysis/ai-insights, /api/analysis/predictions?horizon_minutes=60,
/health, /metrics; WebSocket /ws/metrics.</p></body></html>`
}

import { chartAssets } from '../../src/charts.js'
import { formatDuration } from '../../src/config/duration.js'
import type { PerfReport } from '../../src/types.js'
import { scenarioPassed } from '../collect.js'
import { comparatorSymbol, formatBytes, formatValue } from '../format.js'
import { failureSentence, type RunVerdict, runVerdict } from '../verdict.js'
import { chartData } from './chart-data.js'
import { CLIENT_SCRIPT } from './client.js'
import { complianceTable } from './compliance.js'
import { escapeHtml as e, jsonForScript } from './escape.js'
import { scenarioSection } from './scenario.js'
import { STYLES } from './styles.js'

// The page may load nothing from anywhere: everything it needs is inline. The policy makes that
// a rule the browser enforces, not only a habit of this renderer.
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

/**
 * `perf-report.html`: one self-contained page (uPlot, styles and data inline; no request).
 * `verdict` defaults to `runVerdict(report)`.
 */
export function renderHtml(
  report: PerfReport,
  title = 'Performance report',
  verdict: RunVerdict = runVerdict(report),
): string {
  const assets = chartAssets()
  const charts = chartData(report.scenarios)
  const passed = verdict.passed

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vitest-perf ${e(report.tool.version)}">
<title>${e(title)}: ${passed ? 'pass' : 'fail'}</title>
<style>${assets.css}</style>
<style>${STYLES}</style>
</head>
<body>
<main>
${header(report, title, verdict)}
<h2>Compliance</h2>
${complianceTable(report)}
${otherTests(report)}
${insightsSummary(report)}
<h2>Scenarios</h2>
${report.scenarios.map((scenario, index) => scenarioSection(scenario, index, charts[index]!)).join('\n')}
<footer>vitest-perf ${e(report.tool.version)} · schema version ${report.schemaVersion} · latency percentiles are HDR histogram values (3 significant digits)</footer>
</main>
<script type="application/json" id="perf-data">${jsonForScript({ scenarios: charts })}</script>
<script>${assets.script}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`
}

function header(report: PerfReport, title: string, verdict: RunVerdict): string {
  const { passed } = verdict
  const why = failureSentence(verdict)
  const env = report.environment
  const { scenarios, passed: ok, failed, skipped } = report.summary
  const took = Date.parse(report.finishedAt) - Date.parse(report.startedAt)
  const items: Array<[string, string]> = [
    ['started', report.startedAt],
    ['duration', formatDuration(Number.isFinite(took) ? Math.max(0, took) : 0)],
    ['base URL', env.baseUrl ?? 'not set'],
    ['node', env.node],
    ['os', env.os],
    ['cpus', `${env.cpus} × ${env.cpuModel}`],
    ['memory', formatBytes(env.memoryBytes)],
    ['ci', env.ci ? 'yes' : 'no'],
  ]
  return `<header>
<h1>${e(title)}</h1>
<p><span class="verdict ${passed ? 'pass' : 'fail'}" id="verdict">${passed ? 'PASS' : 'FAIL'}</span>
<span id="summary">${scenarios} scenarios: ${ok} passed, ${failed} failed, ${skipped} skipped${why ? `; ${e(why)}` : ''}</span></p>
<div class="facts">${items.map(([label, value]) => `<div><b>${e(label)}</b>${e(value)}</div>`).join('')}</div>
</header>`
}

// Passed tests that ran no scenario and recorded nothing are ordinary tests: counted, not listed.
function otherTests(report: PerfReport): string {
  const listed = report.tests.filter(test => test.state !== 'passed' || test.compliance?.length)
  const quiet = report.tests.length - listed.length
  const note = quiet
    ? `<p class="muted">${plural(quiet, 'other test')} passed without a scenario.</p>`
    : ''
  if (listed.length === 0) return note ? `<h2>Tests without a scenario</h2>${note}` : ''
  const rows = listed
    .map(test => {
      const css = test.state === 'failed' ? 'fail' : test.state === 'passed' ? 'pass' : 'none'
      const tags = test.tags.map(tag => `<span class="chip">${e(tag)}</span>`).join('')
      const objectives = (test.compliance ?? [])
        .map(
          row =>
            `<div class="${row.passed ? 'pass' : 'fail'}">${e(row.scenario)} ${e(row.metric)} ${e(
              formatValue(row.actual, row.unit),
            )} ${e(comparatorSymbol(row.comparator))} ${e(formatValue(row.target, row.unit))} ${row.passed ? '✓' : '✗'}</div>`,
        )
        .join('')
      const error = test.error ? `<div class="error">${e(test.error)}</div>` : ''
      return `<tr><td class="name">${e(test.name)}</td><td class="mono">${e(test.file)}</td><td>${tags}</td><td class="${css}">${e(
        test.state,
      )}</td><td>${objectives}${error}</td></tr>`
    })
    .join('')
  return `<h2>Tests without a scenario</h2><p class="muted">Skipped tests (including those filtered out by tag), tests that failed before their load ran, and tests that recorded objectives without a scenario.</p>
${note}<div class="table-wrap"><table id="other-tests"><thead><tr><th>test</th><th>file</th><th>tags</th><th>state</th><th>objectives, error</th></tr></thead><tbody>${rows}</tbody></table></div>`
}

function insightsSummary(report: PerfReport): string {
  const items: string[] = []
  report.scenarios.forEach((scenario, index) => {
    const insights = scenario.insights
    const link = `<a href="#s-${index}">${e(scenario.name)}</a>`
    if (scenario.host?.saturated)
      items.push(`<li>${link}: <span class="sev-warning">generator saturated</span></li>`)
    if (!insights) return
    for (const advice of insights.advice) {
      items.push(
        `<li>${link}: <span class="sev-${e(advice.severity)}">${e(advice.severity)}</span> ${e(advice.message)}</li>`,
      )
    }
    const found = insights.anomalies.length + insights.levelShifts.length + insights.trends.length
    if (found) {
      items.push(
        `<li>${link}: ${plural(insights.anomalies.length, 'anomaly', 'anomalies')}, ${plural(insights.levelShifts.length, 'level shift')}, ${plural(insights.trends.length, 'trend')}</li>`,
      )
    }
  })
  const regressions = report.scenarios.filter(
    scenario => scenario.baseline?.verdict === 'regressed',
  ).length
  if (regressions)
    items.unshift(
      `<li><span class="sev-critical">${plural(regressions, 'scenario')} regressed</span> against the baseline</li>`,
    )
  const failed = report.scenarios.filter(scenario => !scenarioPassed(scenario)).length
  if (failed)
    items.unshift(
      `<li><span class="sev-critical">${plural(failed, 'scenario')} missed an objective or failed</span></li>`,
    )
  if (items.length === 0) return ''
  return `<h2>Insights</h2><ul class="insights" id="insights">${items.join('')}</ul>`
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

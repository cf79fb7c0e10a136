import { formatDuration } from '../../src/config/duration.js'
import type { LatencySummary, ScenarioInsights, ScenarioRecord } from '../../src/types.js'
import { scenarioPassed } from '../collect.js'
import {
  comparatorSymbol,
  formatBytes,
  formatCount,
  formatMs,
  formatValue,
  hasResponses,
  round,
} from '../format.js'
import type { ScenarioChartData } from './chart-data.js'
import { escapeHtml as e } from './escape.js'

const LATENCY_KEYS: Array<keyof LatencySummary> = [
  'min',
  'mean',
  'stdev',
  'p50',
  'p90',
  'p95',
  'p99',
  'p999',
  'max',
]

/** One scenario: facts, warnings, latency raw beside corrected, charts, codes and errors, objectives, insights. */
export function scenarioSection(
  scenario: ScenarioRecord,
  index: number,
  charts: ScenarioChartData,
): string {
  const passed = scenarioPassed(scenario)
  return `<section class="scenario ${passed ? 'passed' : 'failed'}" id="s-${index}">
<h3>${e(scenario.name)} <span class="verdict ${passed ? 'pass' : 'fail'}">${passed ? 'pass' : 'fail'}</span></h3>
${facts(scenario)}
${warnings(scenario)}
${latencyTable(scenario)}
${chartGrid(index, charts)}
<div class="cols">${countsTable('status codes', scenario.statusCodes)}${countsTable('error kinds', scenario.errors)}${objectivesTable(scenario)}</div>
${hostTable(scenario)}
${insightsBlock(scenario.insights)}
${settingsTable(scenario)}
</section>`
}

function facts(scenario: ScenarioRecord): string {
  const target = scenario.target
  const requests = scenario.requests
  const items: Array<[string, string]> = [
    ['file', `<span class="mono">${e(scenario.file)}</span>`],
    ['tags', scenario.tags.map(tag => `<span class="chip">${e(tag)}</span>`).join('') || '–'],
    ['test state', e(scenario.state)],
    [
      'target',
      target
        ? `<span class="mono">${e(target.kind === 'http' ? `${target.method} ${target.url}` : target.name)}</span>`
        : '–',
    ],
    ['model', e(scenario.model === 'open' ? 'open (arrival rate)' : 'closed (connections)')],
    ['measured for', e(formatDuration(scenario.durationMs ?? 0))],
    [
      'requests',
      requests
        ? `${e(formatCount(requests.total))} (${e(formatCount(requests.succeeded))} ok, ${e(
            formatCount(requests.failed),
          )} failed, ${e(formatCount(requests.dropped))} dropped)`
        : '–',
    ],
    ['throughput', e(formatValue(scenario.throughputRps, 'req/s'))],
    ['success rate', e(formatValue(scenario.successRate, '%'))],
    ['received', e(formatBytes(scenario.bytesReceived ?? 0))],
    ['started', e(scenario.startedAt ?? '–')],
  ]
  return `<div class="facts">${items.map(([label, value]) => `<div><b>${e(label)}</b>${value}</div>`).join('')}</div>`
}

function warnings(scenario: ScenarioRecord): string {
  const out: string[] = []
  if (scenario.host?.saturated) {
    // The recorder's reason is a full explanation in its own words; without one, say what it means.
    const reason =
      scenario.host.saturationReason ??
      "The load generator was saturated: latency figures include the generator's own queueing and are inflated."
    out.push(`<div class="warning saturation">⚠ ${e(reason)}</div>`)
  }
  if (scenario.aborted) {
    out.push(`<div class="warning">⚠ Stopped early: ${e(scenario.stopReason ?? 'aborted')}</div>`)
  }
  if (scenario.state === 'failed') {
    out.push(
      '<div class="error">The test failed (an objective was not met or the test threw).</div>',
    )
  }
  return out.join('\n')
}

function latencyTable(scenario: ScenarioRecord): string {
  const raw = scenario.latencyMs
  if (!raw) return ''
  if (!hasResponses(scenario)) {
    return '<h4>Latency</h4><p class="muted">No request got a response, so no latency was measured.</p>'
  }
  const corrected = scenario.correctedLatencyMs
  const head = LATENCY_KEYS.map(key => `<th class="num">${key}</th>`).join('')
  const line = (label: string, summary: LatencySummary) =>
    `<tr><th>${label}</th>${LATENCY_KEYS.map(key => `<td class="num">${e(formatMs(summary[key]))}</td>`).join('')}</tr>`
  return `<h4>Latency</h4><div class="table-wrap"><table class="latency"><thead><tr><th></th>${head}</tr></thead><tbody>${line(
    corrected ? 'raw (from write)' : 'latency',
    raw,
  )}${corrected ? line('corrected (from schedule)', corrected) : ''}</tbody></table></div>`
}

function chartGrid(index: number, charts: ScenarioChartData): string {
  const kinds: string[] = []
  if (charts.pct) kinds.push('pct')
  if (charts.tl) kinds.push('latency', 'throughput')
  if (charts.host) kinds.push('host')
  if (kinds.length === 0) return ''
  return `<div class="charts">${kinds
    .map(kind => `<div class="chart" data-chart="${kind}" data-scenario="${index}"></div>`)
    .join('')}</div>`
}

function countsTable(title: string, counts: Record<string, number> | undefined): string {
  const entries = Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1])
  const body = entries.length
    ? entries
        .map(
          ([key, count]) =>
            `<tr><td class="mono">${e(key)}</td><td class="num">${e(formatCount(count))}</td></tr>`,
        )
        .join('')
    : '<tr><td class="muted" colspan="2">none</td></tr>'
  return `<div><h4>${e(title)}</h4><table><tbody>${body}</tbody></table></div>`
}

function objectivesTable(scenario: ScenarioRecord): string {
  const rows = scenario.compliance
  const body = rows.length
    ? rows
        .map(
          row =>
            `<tr><td>${e(row.metric)}</td><td class="num">${e(formatValue(row.actual, row.unit))}</td><td class="num">${e(
              comparatorSymbol(row.comparator),
            )} ${e(formatValue(row.target, row.unit))}</td><td class="${row.passed ? 'pass' : 'fail'}">${row.passed ? '✓' : '✗'}</td></tr>`,
        )
        .join('')
    : '<tr><td class="muted" colspan="4">no objective recorded</td></tr>'
  return `<div><h4>objectives</h4><table><thead><tr><th>metric</th><th class="num">actual</th><th class="num">target</th><th></th></tr></thead><tbody>${body}</tbody></table></div>`
}

function hostTable(scenario: ScenarioRecord): string {
  const host = scenario.host
  if (!host) return ''
  const rows = (['cpu', 'memory', 'disk'] as const)
    .map(resource => {
      const judgement = host[resource]
      if (!judgement) return ''
      const level = judgement.level
      const css =
        level === 'critical'
          ? 'fail'
          : level === 'warning'
            ? 'fail'
            : level === 'elevated'
              ? 'none'
              : 'pass'
      const t = judgement.thresholds
      return `<tr><td>${resource}</td><td class="num">${e(formatValue(judgement.value, '%'))} (${e(judgement.basis)})</td><td class="num">${e(
        formatValue(judgement.peak, '%'),
      )}</td><td class="${css}">${e(level)}</td><td class="num muted">${round(t.normal)} / ${round(t.warning)} / ${round(t.critical)}%</td></tr>`
    })
    .join('')
  const loop = host.eventLoop
  const unavailable = host.unavailable?.length
    ? `<p class="muted">Not measured here: ${e(host.unavailable.join(', '))}.</p>`
    : ''
  return `<h4>Host resources</h4><div class="table-wrap"><table class="host"><thead><tr><th>resource</th><th class="num">value</th><th class="num">peak</th><th>level</th><th class="num">normal / warning / critical</th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="muted">Generator event loop: delay p50 ${e(formatMs(loop?.delayMs.p50))}, p99 ${e(formatMs(loop?.delayMs.p99))}, max ${e(
    formatMs(loop?.delayMs.max),
  )}; utilisation ${e(formatValue((loop?.utilization ?? 0) * 100, '%'))}; ${e(host.sampleCount)} samples every ${e(host.intervalMs)} ms.</p>${unavailable}`
}

function insightsBlock(insights: ScenarioInsights | undefined): string {
  if (!insights) return ''
  const items: string[] = []
  for (const advice of insights.advice) {
    const evidence = Object.entries(advice.evidence ?? {})
      .map(([key, value]) => `${key} = ${typeof value === 'number' ? round(value) : value}`)
      .join(', ')
    items.push(
      `<li class="advice"><span class="sev-${e(advice.severity)}">${e(advice.severity)}</span> ${e(advice.message)}${
        evidence ? ` <span class="muted">(${e(evidence)})</span>` : ''
      } <span class="muted mono">${e(advice.rule)}</span></li>`,
    )
  }
  for (const anomaly of insights.anomalies) {
    items.push(
      `<li class="anomaly">anomaly in ${e(anomaly.metric)} at ${e(round(anomaly.t))} s: ${e(anomaly.reason)} <span class="muted">(${e(
        anomaly.method,
      )} score ${e(round(anomaly.score))})</span></li>`,
    )
  }
  for (const shift of insights.levelShifts) {
    items.push(
      `<li class="shift">level shift in ${e(shift.metric)} at ${e(round(shift.t))} s: ${e(shift.description)}</li>`,
    )
  }
  for (const trend of insights.trends) {
    items.push(
      `<li class="trend">trend in ${e(trend.metric)}: ${e(trend.description)} <span class="muted">(R² ${e(round(trend.r2))})</span></li>`,
    )
  }
  const body = items.length
    ? `<ul class="insights">${items.join('')}</ul>`
    : '<p class="muted">Nothing unusual found.</p>'
  return `<h4>Insights</h4>${body}`
}

function settingsTable(scenario: ScenarioRecord): string {
  const entries = Object.entries(scenario.settings ?? {})
  if (entries.length === 0) return ''
  const rows = entries
    .map(
      ([key, value]) =>
        `<tr><td class="mono">${e(key)}</td><td class="mono">${e(value === null ? 'null' : String(value))}</td></tr>`,
    )
    .join('')
  return `<details><summary>settings</summary><table><tbody>${rows}</tbody></table></details>`
}

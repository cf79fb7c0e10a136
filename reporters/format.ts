import { responsesOf } from '../src/stats/result.js'
import type { ComplianceRow, ScenarioRecord } from '../src/types.js'

/** An objective column of the compliance table. */
export interface ObjectiveColumn {
  /** The compliance row metric: `p95`, `successRate`, `throughput`, `cpu`, ... */
  metric: string
  /** The column heading. */
  label: string
}

/** The columns every compliance table shows, in this order, whether or not an objective was set. */
export const STANDARD_COLUMNS: readonly ObjectiveColumn[] = [
  { metric: 'p50', label: 'p50' },
  { metric: 'p95', label: 'p95' },
  { metric: 'p99', label: 'p99' },
  { metric: 'successRate', label: 'success' },
  { metric: 'throughput', label: 'throughput' },
]

/** The standard columns, then one per other metric any scenario recorded a row for. */
export function objectiveColumns(scenarios: readonly ScenarioRecord[]): ObjectiveColumn[] {
  const columns = [...STANDARD_COLUMNS]
  const seen = new Set(columns.map(column => column.metric))
  for (const scenario of scenarios) {
    for (const row of scenario.compliance) {
      if (seen.has(row.metric)) continue
      seen.add(row.metric)
      columns.push({ metric: row.metric, label: row.metric })
    }
  }
  return columns
}

/** The row judging `metric` for a scenario; when a metric was judged twice, a failure wins. */
export function findRow(scenario: ScenarioRecord, metric: string): ComplianceRow | undefined {
  let found: ComplianceRow | undefined
  for (const row of scenario.compliance) {
    if (row.metric !== metric) continue
    if (!found || found.passed || !row.passed) found = row
  }
  return found
}

/** What the scenario measured for a standard metric, so cells without an objective still inform. */
export function measured(scenario: ScenarioRecord, metric: string): number | null {
  if (metric === 'successRate') return finite(scenario.successRate)
  if (metric === 'throughput') return finite(scenario.throughputRps)
  const latency = judgedLatency(scenario) as unknown as Record<string, number> | undefined
  return finite(latency?.[metric])
}

/**
 * The latency objectives judge by default, so a figure shown beside a verdict is the one the
 * verdict was made on: corrected (from the scheduled arrival) for open-model scenarios, raw
 * for closed ones. Undefined when no request got a response: its zeros measured nothing.
 */
export function judgedLatency(scenario: ScenarioRecord): ScenarioRecord['latencyMs'] | undefined {
  if (!hasResponses(scenario)) return undefined
  return scenario.correctedLatencyMs ?? scenario.latencyMs
}

/** Whether any request of the scenario got a response (a record without status codes: yes). */
export function hasResponses(scenario: ScenarioRecord): boolean {
  return !scenario.statusCodes || responsesOf(scenario) > 0
}

/** The unit a metric is shown in when no row names it. */
export function unitOf(metric: string): string {
  if (metric === 'successRate') return '%'
  if (metric === 'throughput') return 'req/s'
  if (/^(p\d+|max|min|mean)$/.test(metric)) return 'ms'
  return ''
}

/** Milliseconds with precision that fits their size: `0.42 ms`, `4.21 ms`, `42.1 ms`, `421 ms`. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  return `${round(value)} ms`
}

/** A value in its unit: `42.1 ms`, `99.5%`, `1,204 req/s`. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  if (unit === 'ms') return formatMs(value)
  if (unit === '%') return `${percent(value)}%`
  if (unit === 'req/s') return `${formatCount(round(value))} req/s`
  return unit ? `${round(value)} ${unit}` : String(round(value))
}

/**
 * A percent with the digits that matter: success rates live just under 100, where 99.95 and
 * 99.9 are different objectives, so from 99 up two decimals are kept, and a value below 100
 * never reads as 100 (99.996 keeps a third decimal, at most 99.999).
 */
function percent(value: number): number {
  if (value < 99 || value >= 100) return round(value)
  const text = Number(value.toFixed(2))
  return text >= 100 ? Math.min(Number(value.toFixed(3)), 99.999) : text
}

/** A change in percent with its sign and one decimal: `+51.0%`, `-3.2%`, `0.0%`. */
export function formatChange(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}%`
}

/** A count with thousands separators. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 })
}

/** Bytes as KiB / MiB / GiB. */
export function formatBytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let size = value
  let unit = 0
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024
    unit++
  }
  return `${round(size)} ${units[unit]}`
}

/** Three significant figures at most, without trailing zeros. */
export function round(value: number): number {
  const abs = Math.abs(value)
  if (abs >= 100) return Math.round(value)
  if (abs >= 10) return Math.round(value * 10) / 10
  return Math.round(value * 100) / 100
}

/** The host resources of a scenario as `cpu normal · memory warning`, or '' without a recorder. */
export function hostLevels(
  scenario: ScenarioRecord,
): Array<{ resource: string; level: string; value: number }> {
  const host = scenario.host
  if (!host) return []
  const out: Array<{ resource: string; level: string; value: number }> = []
  for (const resource of ['cpu', 'memory', 'disk'] as const) {
    const judgement = host[resource]
    if (judgement) out.push({ resource, level: judgement.level, value: judgement.value })
  }
  return out
}

function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** A comparator as people read it: `≤`, `≥`, `<`, `>`. */
export function comparatorSymbol(comparator: string): string {
  if (comparator === '<=') return '≤'
  if (comparator === '>=') return '≥'
  return comparator
}

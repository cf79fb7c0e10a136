import { logger } from '../config/logger.js'
import type { Anomaly, LevelShift, LoadResult, ScenarioInsights, Trend } from '../types.js'
import { type AdviceContext, advise, seriesOf } from './advice.js'
import { type AnomalyOptions, detectAnomalies } from './anomalies.js'
import { detectLevelShifts } from './level-shifts.js'
import type { SeriesPoint } from './series.js'
import { hasLatency } from './timeline.js'
import { findTrend } from './trend.js'

/** Most anomalies kept per series in a report, the most extreme ones. */
const ANOMALIES_PER_SERIES = 10
/** A trend "per minute" over a few seconds is an extrapolation: the series must span this. */
const TREND_MIN_SPAN_SECONDS = 30

/**
 * Everything the insights find in one scenario, as the reporter shows it: anomalies on the
 * timeline's p95 (upward), throughput (either way) and errors (upward); trends on p95 and
 * host memory over at least 30 s; level shifts on p95, errors and host memory; and the
 * advice rules.
 * Seconds without a recorded latency are left out of the p95 series (their 0 is not a
 * latency, see `hasLatency`), a last second only partly measured is left out of throughput and errors, and
 * points that are not finite numbers are left out everywhere. It never throws: an analysis
 * that fails is logged (at `warn`) and left out.
 */
export function explainResult(result: LoadResult, context: AdviceContext = {}): ScenarioInsights {
  const insights: ScenarioInsights = { anomalies: [], trends: [], levelShifts: [], advice: [] }
  const timeline = Array.isArray(result?.timeline) ? result.timeline : []
  const p95: SeriesPoint[] = []
  const rps: SeriesPoint[] = []
  const errors: SeriesPoint[] = []
  // A malformed entry (a NaN from a broken merge) is left out rather than failing the series.
  const add = (series: SeriesPoint[], t: number, value: number) => {
    if (Number.isFinite(t) && Number.isFinite(value)) series.push({ t, value })
  }
  // A last second that the measured phase covers only in part holds fewer responses: it
  // would read as a throughput drop. Its latency is still a latency.
  const end = Number.isFinite(result?.durationMs)
    ? result.durationMs / 1000
    : Number.POSITIVE_INFINITY
  for (const e of timeline) {
    if (hasLatency(e)) add(p95, e.t, e.p95)
    if (e.t + 1 > end + 0.05) continue
    add(rps, e.t, e.rps)
    add(errors, e.t, e.errors)
  }
  const memory = result?.host ? seriesOf(result.host.samples, s => s.memory) : []

  const guard = <T>(what: string, work: () => T[]): T[] => {
    try {
      return work()
    } catch (error) {
      logger().warn(`insights: ${what} skipped`, { label: result?.label, error: String(error) })
      return []
    }
  }

  const anomalies = (series: SeriesPoint[], options: AnomalyOptions): Anomaly[] =>
    series.length ? detectAnomalies(series, { maxAnomalies: ANOMALIES_PER_SERIES, ...options }) : []
  insights.anomalies = [
    ...guard('p95 anomalies', () => anomalies(p95, { metric: 'p95', unit: 'ms', direction: 'up' })),
    ...guard('rps anomalies', () => anomalies(rps, { metric: 'rps', unit: 'req/s' })),
    ...guard('error anomalies', () =>
      anomalies(errors, { metric: 'errors', unit: 'errors/s', direction: 'up' }),
    ),
  ].sort((a, b) => a.t - b.t)

  const trend = (series: SeriesPoint[], metric: string, unit: string): Trend[] => {
    const found = series.length
      ? findTrend(series, { metric, unit, minSpanSeconds: TREND_MIN_SPAN_SECONDS })
      : null
    return found ? [found] : []
  }
  insights.trends = [
    ...guard('p95 trend', () => trend(p95, 'p95', 'ms')),
    ...guard('memory trend', () => trend(memory, 'memory', '%')),
  ]

  const shifts = (series: SeriesPoint[], metric: string, unit: string): LevelShift[] =>
    series.length ? detectLevelShifts(series, { metric, unit }) : []
  insights.levelShifts = [
    ...guard('p95 level shifts', () => shifts(p95, 'p95', 'ms')),
    ...guard('error level shifts', () => shifts(errors, 'errors', 'errors/s')),
    ...guard('memory level shifts', () => shifts(memory, 'memory', '%')),
  ]

  insights.advice = guard('advice', () => advise(result, context))
  return insights
}

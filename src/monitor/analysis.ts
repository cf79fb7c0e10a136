import type { AnomalyDirection, Series } from '../insights/index.js'
import { detectAnomalies, findTrend, forecast, timeToThreshold } from '../insights/index.js'
import { splitSeriesKey } from './history/series.js'
import type { HistoryStore } from './history/store.js'
import type {
  HistoryPoint,
  MonitorAnomaly,
  MonitorInsights,
  MonitorPredictions,
  MonitorTrend,
  Prediction,
  ResolvedMonitorOptions,
  SeriesKey,
} from './types.js'
import { METRIC_UNITS } from './types.js'

/** Points per series the analysis looks at: at a 30 s interval, the last 6 hours. Bounded so
 * an analysis costs the same on day one and day thirty. */
export const ANALYSIS_POINTS = 720
/** Anomalies are reported while they are among this many newest points of their series. */
const RECENT_POINTS = 10
/** At most this many anomalies are reported, the most extreme first. */
const MAX_ANOMALIES = 20
/** Fewer points than this give no trend, anomaly or forecast. */
const MIN_POINTS = 10

/** The unit of a series metric (`''` for load and custom metrics). */
export function unitOf(component: string, metric: string): string {
  if (component === 'custom') return ''
  return METRIC_UNITS[metric as keyof typeof METRIC_UNITS] ?? ''
}

/**
 * Anomalies (robust z and EWMA, INSIGHTS' `detectAnomalies`) among each series' newest
 * points, and meaningful trends (`findTrend`), over the last `ANALYSIS_POINTS` of history.
 */
export function analyse(history: HistoryStore, now = Date.now()): MonitorInsights {
  const anomalies: MonitorAnomaly[] = []
  const trends: MonitorTrend[] = []
  let oldest = now

  for (const key of history.series()) {
    const points = window(history, key)
    if (points.length < MIN_POINTS) continue
    const { component, metric } = splitSeriesKey(key)
    const unit = unitOf(component, metric)
    const t0 = (points[0] as HistoryPoint).t
    oldest = Math.min(oldest, t0)
    const series = toSeries(points, t0)

    const recentFrom = (points[Math.max(0, points.length - RECENT_POINTS)] as HistoryPoint).t
    for (const anomaly of detectAnomalies(series, {
      metric,
      unit,
      direction: directionOf(component, metric),
    })) {
      const at = t0 + anomaly.t * 1000
      if (at >= recentFrom) anomalies.push({ ...anomaly, component, at })
    }
    const trend = findTrend(series, { metric, unit, minPoints: MIN_POINTS })
    if (trend) trends.push({ ...trend, component })
  }

  anomalies.sort((a, b) => Math.abs(b.score) - Math.abs(a.score))
  anomalies.splice(MAX_ANOMALIES)
  trends.sort((a, b) => b.r2 - a.r2)
  return {
    generatedAt: new Date(now).toISOString(),
    windowMinutes: Math.round((now - oldest) / 600) / 100,
    anomalies,
    trends,
    summary: [
      ...anomalies.map(a => `${a.component} ${a.reason}`),
      ...trends.map(t => `${t.component} ${t.description}`),
    ],
  }
}

/**
 * A damped-trend forecast (`forecast`) of every series `horizonMinutes` ahead, checked against
 * the bound that matters for it: an endpoint's objective, a resource's warning level. The
 * minutes until the bound are `timeToThreshold` on the last hour's trend.
 */
export function predict(
  history: HistoryStore,
  options: ResolvedMonitorOptions,
  horizonMinutes: number,
  now = Date.now(),
): MonitorPredictions {
  const predictions: Prediction[] = []

  for (const key of history.series()) {
    const points = window(history, key)
    const { component, metric } = splitSeriesKey(key)
    const unit = unitOf(component, metric)
    const threshold = thresholdOf(options, component, metric)
    const current = points.length ? (points[points.length - 1] as HistoryPoint).v : null
    const base: Prediction = {
      component,
      metric,
      unit,
      current,
      predicted: null,
      interval: null,
      threshold,
      minutesToThreshold: null,
      breachExpected: false,
      method: `none: fewer than ${MIN_POINTS} points`,
    }
    if (points.length < MIN_POINTS) {
      predictions.push(base)
      continue
    }

    const series = toSeries(points, (points[0] as HistoryPoint).t)
    const result = forecast(series, { horizonMinutes, metric, points: 1, minPoints: MIN_POINTS })
    const last = result.points[result.points.length - 1]
    const bound = (value: number) => (unit === '%' ? Math.min(100, Math.max(0, value)) : value)
    const prediction: Prediction = {
      ...base,
      predicted: last ? round(bound(last.value)) : null,
      interval: last ? [round(bound(last.low)), round(bound(last.high))] : null,
      method: `damped Holt (alpha ${result.alpha}, beta ${result.beta}, ${result.confidence * 100}% band)`,
    }

    if (threshold !== null) {
      const crossing = timeToThreshold(series, threshold, {
        metric,
        unit,
        minPoints: MIN_POINTS,
        windowSeconds: 3600,
      })
      if (crossing) prediction.minutesToThreshold = round(crossing.inSeconds / 60)
      const falling = metric === 'availability'
      const past = (value: number) => (falling ? value < threshold : value > threshold)
      prediction.breachExpected =
        (prediction.predicted !== null && past(prediction.predicted)) ||
        (prediction.minutesToThreshold !== null && prediction.minutesToThreshold <= horizonMinutes)
    }
    predictions.push(prediction)
  }

  return { generatedAt: new Date(now).toISOString(), horizonMinutes, predictions }
}

/** The objective (endpoints) or warning level (cpu, memory, disk) a series is held to. */
export function thresholdOf(
  options: ResolvedMonitorOptions,
  component: string,
  metric: string,
): number | null {
  if (component === 'host') {
    if (metric === 'cpu' || metric === 'memory' || metric === 'disk')
      return options.levels[metric].warning
    return null
  }
  const endpoint = options.endpoints.find(e => e.name === component)
  const objective = endpoint?.objectives[metric as keyof typeof endpoint.objectives]
  return objective ?? null
}

/** The part of `insights` that changes meaningfully: compared to decide on an `ai_insights`
 * broadcast, so a new timestamp alone does not send one. */
export function insightsFingerprint(insights: MonitorInsights): string {
  return JSON.stringify([
    insights.anomalies.map(a => [a.component, a.metric, a.at]),
    insights.trends.map(t => [t.component, t.metric, Math.sign(t.slopePerMinute)]),
  ])
}

function window(history: HistoryStore, key: SeriesKey): HistoryPoint[] {
  return history.tail(key, ANALYSIS_POINTS)
}

function toSeries(points: HistoryPoint[], t0: number): Series {
  return points.map(p => ({ t: (p.t - t0) / 1000, value: p.v }))
}

function directionOf(component: string, metric: string): AnomalyDirection {
  if (metric === 'availability') return 'down'
  if (component === 'custom' || metric.startsWith('network')) return 'both'
  return 'up'
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

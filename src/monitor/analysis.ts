import type { AnomalyDirection, ForecastPoint, Series, SeriesPoint } from '../insights/index.js'
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

/**
 * A forecast, a trend or an anomaly needs this many points spanning `MIN_ANALYSIS_MINUTES`.
 * A forecast an hour ahead from half a minute of history multiplies the noise between two
 * points a thousandfold; the median and spread of ten points move with every sample.
 */
export const MIN_ANALYSIS_POINTS = 30
/** See `MIN_ANALYSIS_POINTS`, minutes. */
export const MIN_ANALYSIS_MINUTES = 5
/**
 * The newest history a forecast's trend and a threshold crossing rest on, seconds. The
 * forecast carries a trend only when a line through it explains at least half of its
 * variance (R² ≥ 0.5, `findTrend`'s default); otherwise it forecasts the smoothed level.
 */
const TREND_WINDOW_SECONDS = 3600

/**
 * The smallest spread (standard deviation) an anomaly is measured in: a tenth of the level,
 * and never less than the unit's floor in `ANOMALY_SPREAD_FLOORS`. A flat series has a median
 * absolute deviation near 0, so without a floor a move of a few bytes per second reads as
 * thousands of standard deviations. At the 3.5 cut-off a move must pass 3.5 floors (17.5 ms,
 * 3.5 percentage points, 35 kB/s) to count.
 */
export const ANOMALY_RELATIVE_SPREAD = 0.1
/** See `ANOMALY_RELATIVE_SPREAD`; by unit, in that unit (`''`: load average, custom values). */
export const ANOMALY_SPREAD_FLOORS: Readonly<Record<string, number>> = {
  ms: 5,
  '%': 1,
  'B/s': 10_000,
  '': 1,
}

/** The unit of a series metric (`''` for load and custom metrics). */
export function unitOf(component: string, metric: string): string {
  if (component === 'custom') return ''
  return METRIC_UNITS[metric as keyof typeof METRIC_UNITS] ?? ''
}

/**
 * Anomalies (robust z and EWMA, INSIGHTS' `detectAnomalies`) among each series' newest
 * points, and meaningful trends (`findTrend`), over the last `ANALYSIS_POINTS` of history.
 * A series shorter than `MIN_ANALYSIS_POINTS` or `MIN_ANALYSIS_MINUTES` gives neither, and
 * no point is judged against fewer than `MIN_ANALYSIS_POINTS` before it.
 *
 * `unjudged` gives, per series, the time (epoch ms) of one point never reported as an
 * anomaly; the sampler passes each endpoint series' first live sample after a start. That
 * point stays in the history and feeds the detectors for the points after it.
 */
export function analyse(
  history: HistoryStore,
  now = Date.now(),
  unjudged: ReadonlyMap<SeriesKey, number> = new Map(),
): MonitorInsights {
  const anomalies: MonitorAnomaly[] = []
  const trends: MonitorTrend[] = []
  let oldest = now

  for (const key of history.series()) {
    const points = window(history, key)
    if (!longEnough(points)) continue
    const { component, metric } = splitSeriesKey(key)
    const unit = unitOf(component, metric)
    const t0 = (points[0] as HistoryPoint).t
    oldest = Math.min(oldest, t0)
    const series = toSeries(points, t0)

    const recentFrom = (points[Math.max(0, points.length - RECENT_POINTS)] as HistoryPoint).t
    // Only the newest points are reported; the older ones feed the detectors without being
    // judged, which at a 1 s interval is most of the analysis's cost.
    for (const anomaly of detectAnomalies(series, {
      judgeFrom: (recentFrom - t0) / 1000,
      timeLabel: t => clockTime(t0 + t * 1000),
      metric,
      unit,
      direction: directionOf(component, metric),
      minHistory: MIN_ANALYSIS_POINTS,
      minScale: ANOMALY_SPREAD_FLOORS[unit] ?? 1,
      minRelativeScale: ANOMALY_RELATIVE_SPREAD,
    })) {
      const at = t0 + anomaly.t * 1000
      if (at >= recentFrom && at !== unjudged.get(key))
        anomalies.push({ ...anomaly, component, at })
    }
    const trend = findTrend(series, { metric, unit, ...TREND_MINIMUM })
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
    summary: [...anomalySummary(anomalies), ...trends.map(t => `${t.component} ${t.description}`)],
  }
}

/** Intervals without a reading after which a series' forecast is withheld. */
const STALE_INTERVALS = 2.5

/**
 * One line per series with anomalies: its most extreme point, and how many more of its
 * recent points were flagged, rather than a line for each of a run of bad intervals.
 */
function anomalySummary(anomalies: readonly MonitorAnomaly[]): string[] {
  const bySeries = new Map<string, MonitorAnomaly[]>()
  for (const anomaly of anomalies) {
    const key = `${anomaly.component}/${anomaly.metric}`
    bySeries.set(key, [...(bySeries.get(key) ?? []), anomaly])
  }
  return [...bySeries.values()].map(([worst, ...others]) => {
    const more = others.length
      ? ` (and ${others.length} more of its recent point${others.length === 1 ? '' : 's'})`
      : ''
    return `${(worst as MonitorAnomaly).component} ${(worst as MonitorAnomaly).reason}${more}`
  })
}

/** `17:08:24 UTC`: a moment as a person on call reads it beside their pager. */
function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`
}

/**
 * A damped-trend forecast (`forecast`) of every series `horizonMinutes` ahead, checked against
 * the bound that matters for it: an endpoint's objective, a resource's warning level.
 *
 * - No forecast before the series has `MIN_ANALYSIS_POINTS` over `MIN_ANALYSIS_MINUTES`.
 * - The trend is carried only while a line through the last hour explains half its variance;
 *   a series without one is forecast flat at its smoothed level, so noise is not extrapolated.
 * - The forecast and its band stay in the metric's range: latency, bytes and load ≥ 0,
 *   percentages 0..100.
 * - A breach is expected only when the series is on the safe side of its bound now, the last
 *   hour's line moves towards the bound (`timeToThreshold` on the bound's side: above a
 *   ceiling, below the availability floor), and the forecast at the horizon is past it.
 *   `minutesToThreshold` is that line's time to the bound, 0 when already past it.
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
    const lastPoint = points[points.length - 1]
    // A series with no reading for a few intervals (an endpoint that stopped answering has no
    // latency) has no current value: its last one would read as healthy through an outage.
    const stale =
      lastPoint !== undefined && now - lastPoint.t > STALE_INTERVALS * options.intervalMs
    const current = lastPoint && !stale ? lastPoint.v : null
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
      method: stale
        ? `none: no reading since ${clockTime((lastPoint as HistoryPoint).t)}`
        : `none: ${describeHistory(points)}; a forecast needs ${MIN_ANALYSIS_POINTS} over ${MIN_ANALYSIS_MINUTES} min`,
    }
    if (!longEnough(points) || current === null) {
      predictions.push(base)
      continue
    }

    const series = toSeries(points, (points[0] as HistoryPoint).t)
    const recent = lastSeconds(series, TREND_WINDOW_SECONDS)
    const trend = findTrend(recent, { metric, unit, ...TREND_MINIMUM })
    const result = forecast(series, {
      horizonMinutes,
      metric,
      points: 1,
      minPoints: MIN_ANALYSIS_POINTS,
    })
    const last = result.points[result.points.length - 1] as ForecastPoint
    // Without a trend the forecast is the level, with the band the model gives at the horizon.
    const value = trend ? last.value : result.level
    const half = (last.high - last.low) / 2
    const clamp = rangeOf(component, unit)
    const prediction: Prediction = {
      ...base,
      predicted: round(clamp(value)),
      interval: [round(clamp(value - half)), round(clamp(value + half))],
      method:
        `damped Holt (alpha ${result.alpha}, beta ${result.beta}, ` +
        `${result.confidence * 100}% band)` +
        (trend ? '' : '; no trend in the last hour (R² < 0.5): level only'),
    }

    if (threshold !== null) {
      const ceiling = metric !== 'availability'
      const past = (v: number) => (ceiling ? v >= threshold : v <= threshold)
      if (past(current)) {
        prediction.minutesToThreshold = 0
      } else {
        const minutes = minutesTo(recent, threshold, ceiling, metric, unit)
        prediction.minutesToThreshold = minutes === null ? null : round(minutes)
        prediction.breachExpected =
          minutes !== null &&
          minutes <= horizonMinutes &&
          prediction.predicted !== null &&
          past(prediction.predicted)
      }
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

const TREND_MINIMUM = {
  minPoints: MIN_ANALYSIS_POINTS,
  minSpanSeconds: MIN_ANALYSIS_MINUTES * 60,
} as const

function window(history: HistoryStore, key: SeriesKey): HistoryPoint[] {
  return history.tail(key, ANALYSIS_POINTS)
}

function longEnough(points: HistoryPoint[]): boolean {
  if (points.length < MIN_ANALYSIS_POINTS) return false
  const span = (points[points.length - 1] as HistoryPoint).t - (points[0] as HistoryPoint).t
  return span >= MIN_ANALYSIS_MINUTES * 60_000
}

function describeHistory(points: HistoryPoint[]): string {
  if (points.length < 2) return `${points.length} point${points.length === 1 ? '' : 's'}`
  const span = (points[points.length - 1] as HistoryPoint).t - (points[0] as HistoryPoint).t
  return `${points.length} points over ${Math.round(span / 6000) / 10} min`
}

function toSeries(points: HistoryPoint[], t0: number): Series {
  return points.map(p => ({ t: (p.t - t0) / 1000, value: p.v }))
}

function lastSeconds(series: Series, seconds: number): Series {
  const from = (series[series.length - 1] as SeriesPoint).t - seconds
  let start = 0
  while (start < series.length && (series[start] as SeriesPoint).t < from) start++
  return series.slice(start)
}

/**
 * Minutes until the line through `series` reaches `threshold` on the bound's side: from
 * below for a ceiling, from above for a floor. Null without a trend or when the line moves
 * away from the bound. `timeToThreshold` is told the side: left to itself it takes the side
 * from the trend's direction, and a series falling away from a ceiling it is already under
 * would count as having reached it (a floor).
 */
function minutesTo(
  series: Series,
  threshold: number,
  ceiling: boolean,
  metric: string,
  unit: string,
): number | null {
  const crossing = timeToThreshold(series, threshold, {
    metric,
    unit,
    side: ceiling ? 'above' : 'below',
    ...TREND_MINIMUM,
  })
  if (!crossing) return null
  const slope = crossing.trend.slopePerMinute
  const towards = ceiling ? slope > 0 : slope < 0
  return towards ? crossing.inSeconds / 60 : null
}

/** Clamps a forecast to what the metric can measure; custom values are left as they are. */
function rangeOf(component: string, unit: string): (value: number) => number {
  if (unit === '%') return value => Math.min(100, Math.max(0, value))
  if (component === 'custom') return value => value
  return value => Math.max(0, value)
}

function directionOf(component: string, metric: string): AnomalyDirection {
  if (metric === 'availability') return 'down'
  if (component === 'custom' || metric.startsWith('network')) return 'both'
  return 'up'
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

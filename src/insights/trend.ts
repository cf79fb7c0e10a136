import { linearRegression, rSquared } from 'simple-statistics'
import { invalidOption } from '../errors.js'
import type { Trend } from '../types.js'
import { numberOption, round, type Series, validateSeries } from './series.js'

/** Options of `findTrend`. */
export interface TrendOptions {
  /** The series' name, carried on the trend. Default `value`. */
  metric?: string
  /** Unit of the values (`ms`, `%`). Default none. */
  unit?: string
  /** Fewer points than this give no trend. Default 10. */
  minPoints?: number
  /**
   * Least R² for the trend to be reported. Default 0.5: the line must explain at least
   * half of the series' variance, else the "slope" is mostly noise and a reader would
   * take a wobble for a drift.
   */
  minR2?: number
  /** A series spanning less time than this gives no trend, seconds. Default 0. */
  minSpanSeconds?: number
}

/** Options of `timeToThreshold`: the trend options plus the part of the series to fit. */
export interface ThresholdOptions extends TrendOptions {
  /** Fit only the last `windowSeconds` of the series (the current trend). Default all of it. */
  windowSeconds?: number
  /**
   * Which side of the threshold counts as reaching it: `above` for a ceiling (latency,
   * CPU, memory), `below` for a floor (availability, throughput). Default: the trend's
   * direction decides (rising: `above`, falling: `below`).
   */
  side?: 'above' | 'below'
}

/** When, at the current trend, a series reaches a level. */
export interface ThresholdCrossing {
  /** The level asked about, in the series' unit. */
  threshold: number
  /** The fitted value at the last point, in the series' unit. */
  current: number
  /** True when the fitted value is already at or past the threshold (then `inSeconds` is 0). */
  reached: boolean
  /** Seconds from the last point until the line reaches the threshold. */
  inSeconds: number
  /** The crossing time on the series' own clock, seconds. */
  at: number
  /** The trend the estimate rests on. */
  trend: Trend
}

/**
 * Least-squares line through the series (time in minutes, so the slope is per minute) and
 * its R² (simple-statistics' `linearRegression` and `rSquared`). Returns null when there
 * are fewer than `minPoints` points, a span under `minSpanSeconds`, a flat series, or R²
 * below `minR2`:
 * a trend is only reported when it means something.
 */
export function findTrend(series: Series, options: TrendOptions = {}): Trend | null {
  const points = validateSeries(series)
  const o = resolveTrendOptions(options)
  const fit = fitTrend(points, 0, o)
  if (!fit) return null
  const { fittedLast: _last, ...trend } = fit
  return trend
}

/**
 * When the series, continuing on its least-squares line, reaches `threshold`: a resource
 * reaching its warning level, a latency reaching its objective. Returns null when there is
 * no meaningful trend (see `findTrend`) or the trend moves away from the threshold; returns
 * `reached: true` and 0 seconds when the fitted value is already past it (on `side`).
 * The estimate assumes the trend is linear; a curve that bends is predicted late or early.
 */
export function timeToThreshold(
  series: Series,
  threshold: number,
  options: ThresholdOptions = {},
): ThresholdCrossing | null {
  const points = validateSeries(series)
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw invalidOption('threshold', threshold, 'expected a finite number in the series unit')
  }
  const o = resolveTrendOptions(options)
  const windowSeconds = numberOption('windowSeconds', options.windowSeconds, Infinity, {
    above: 0,
  })
  const side = options.side
  if (side !== undefined && side !== 'above' && side !== 'below') {
    throw invalidOption('side', side, "expected 'above' or 'below'")
  }

  const last = points[points.length - 1]!
  let start = 0
  while (start < points.length && points[start]!.t < last.t - windowSeconds) start++
  const trend = fitTrend(points, start, o)
  if (!trend) return null

  const slopePerSecond = trend.slopePerMinute / 60
  const current = trend.fittedLast
  const ceiling = (side ?? (slopePerSecond > 0 ? 'above' : 'below')) === 'above'
  const reached = ceiling ? current >= threshold : current <= threshold
  const { fittedLast: _omit, ...publicTrend } = trend
  if (reached) {
    return { threshold, current, reached, inSeconds: 0, at: last.t, trend: publicTrend }
  }
  const towards = ceiling ? slopePerSecond > 0 : slopePerSecond < 0
  if (!towards) return null
  const inSeconds = (threshold - current) / slopePerSecond
  return { threshold, current, reached, inSeconds, at: last.t + inSeconds, trend: publicTrend }
}

interface ResolvedTrend {
  metric: string
  unit: string
  minPoints: number
  minR2: number
  minSpanSeconds: number
}

function resolveTrendOptions(options: TrendOptions): ResolvedTrend {
  return {
    metric: options.metric ?? 'value',
    unit: options.unit ?? '',
    minPoints: numberOption('minPoints', options.minPoints, 10, { min: 2, integer: true }),
    minR2: numberOption('minR2', options.minR2, 0.5, { min: 0, max: 1 }),
    minSpanSeconds: numberOption('minSpanSeconds', options.minSpanSeconds, 0, { min: 0 }),
  }
}

/** The fit behind `findTrend`, from index `start`; also returns the fitted last value. */
function fitTrend(
  points: Series,
  start: number,
  o: ResolvedTrend,
): (Trend & { fittedLast: number }) | null {
  const count = points.length - start
  if (count < o.minPoints) return null
  const first = points[start]!
  const last = points[points.length - 1]!
  if (last.t === first.t || last.t - first.t < o.minSpanSeconds) return null

  // Minutes from the first point: the slope comes out per minute, and small x values keep
  // the sums well conditioned however large the series' clock is (epoch seconds).
  const data: number[][] = new Array(count)
  let flat = true
  for (let i = 0; i < count; i++) {
    const p = points[start + i]!
    data[i] = [(p.t - first.t) / 60, p.value]
    if (p.value !== first.value) flat = false
  }
  if (flat) return null

  const { m, b } = linearRegression(data)
  const r2 = rSquared(data, x => m * x + b)
  if (!Number.isFinite(m) || !Number.isFinite(r2) || r2 < o.minR2) return null

  const minutes = (last.t - first.t) / 60
  const unit = o.unit ? ` ${o.unit}` : ''
  return {
    metric: o.metric,
    slopePerMinute: m,
    r2,
    unit: o.unit,
    points: count,
    description:
      `${o.metric} ${m >= 0 ? 'rose' : 'fell'} ${round(Math.abs(m))}${unit} per minute over ` +
      `${round(minutes)} min (R² ${round(r2, 2)}, ${count} points)`,
    fittedLast: m * minutes + b,
  }
}

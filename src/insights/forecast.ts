import { invalidOption } from '../errors.js'
import { normalQuantile } from './normal.js'
import { numberOption, type Series, typicalStep, validateSeries } from './series.js'

/** Options of `forecast`. */
export interface ForecastOptions {
  /** How far ahead, minutes. Required, > 0. */
  horizonMinutes: number
  /** The series' name, carried on the forecast. Default `value`. */
  metric?: string
  /** Forecast points returned, evenly spaced up to the horizon (the last is at the horizon). Default 12. */
  points?: number
  /** Coverage of the prediction band, 0..1. Default 0.95. */
  confidence?: number
  /** Level smoothing α, 0..1. Default: fitted (the grid value with the least one-step error). */
  alpha?: number
  /** Trend smoothing β, 0..1. Default: fitted with α. */
  beta?: number
  /**
   * How much of the trend carries from one minute ahead to the next, 0..1. Default 0.98: an
   * hour ahead the forecast has moved about 35 minutes' worth of the current trend, because
   * a trend seldom runs on unchanged (the reason damped trends forecast better than lines).
   */
  dampingPerMinute?: number
  /** Fewer points than this is an error. Default 10. */
  minPoints?: number
}

/** One forecast point with its prediction band. */
export interface ForecastPoint {
  /** Time on the series' clock, seconds. */
  t: number
  value: number
  /** Lower edge of the prediction band. */
  low: number
  /** Upper edge of the prediction band. */
  high: number
}

/** A damped-trend forecast and the parameters it used, so a reader can check it. */
export interface Forecast {
  metric: string
  horizonMinutes: number
  /**
   * The model's step, seconds: the series' median spacing, or longer when the horizon is
   * long (about 30 steps to the horizon, at least 20 of history); points are averaged per step.
   */
  stepSeconds: number
  /** Smoothed level at the last point. */
  level: number
  /** Smoothed trend at the last point, per minute. */
  trendPerMinute: number
  alpha: number
  beta: number
  dampingPerMinute: number
  /** Standard deviation of the one-step-ahead errors over the series. */
  residualStd: number
  confidence: number
  points: ForecastPoint[]
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]
const BETAS = [0.01, 0.05, 0.1, 0.2, 0.3]

/**
 * Damped Holt forecast (additive damped trend exponential smoothing):
 *
 *   level  ℓₜ = α yₜ + (1 − α)(ℓₜ₋₁ + φ bₜ₋₁)
 *   trend  bₜ = β (ℓₜ − ℓₜ₋₁) + (1 − β) φ bₜ₋₁
 *   ŷₜ₊ₕ = ℓₜ + (φ + φ² + … + φʰ) bₜ
 *
 * with φ per step derived from `dampingPerMinute`. α and β, unless given, are the grid
 * values with the least squared one-step error. The band is ŷ ± z·σ·√(1 + Σⱼ₌₁ʰ⁻¹ cⱼ²),
 * cⱼ = α + αβ(φ + … + φʲ): the forecast variance of this model (Hyndman et al.,
 * Forecasting with Exponential Smoothing, 2008, class 1), so it widens with the horizon.
 * The band is for the mean over one step (`stepSeconds`), not for single samples, and it
 * assumes errors that are normal and uncorrelated: a forecast, not a promise.
 */
export function forecast(series: Series, options: ForecastOptions): Forecast {
  const o = resolveOptions(options)
  const points = validateSeries(series, 'series', o.minPoints)

  // The model steps by at least the series' own spacing, and by longer steps (averaging
  // the points in each) when the horizon is long: extrapolating a per-second trend an hour
  // ahead multiplies its noise by 3,600. About 30 steps to the horizon, and at least 20
  // steps of history, whichever step is shorter.
  const horizonSeconds = o.horizonMinutes * 60
  const span = points[points.length - 1]!.t - points[0]!.t
  const step = Math.max(typicalStep(points), Math.min(horizonSeconds / 30, span / 20))
  const values = averageBySteps(points, step)
  if (values.length < 3) {
    throw invalidOption(
      'series',
      `${values.length} steps of ${step} s`,
      'expected a series spanning at least 3 steps',
    )
  }
  const phi = o.dampingPerMinute ** (step / 60)
  const horizonSteps = Math.max(1, Math.round(horizonSeconds / step))

  let best = run(values, o.alpha ?? 0.3, o.beta ?? 0.1, phi)
  if (o.alpha === undefined || o.beta === undefined) {
    for (const alpha of o.alpha === undefined ? ALPHAS : [o.alpha]) {
      for (const beta of o.beta === undefined ? BETAS : [o.beta]) {
        const fit = run(values, alpha, beta, phi)
        if (fit.sse < best.sse) best = fit
      }
    }
  }

  const z = normalQuantile(0.5 + o.confidence / 2)
  const wanted = Math.min(o.points, horizonSteps)
  const last = points[0]!.t + (values.length - 1) * step + step / 2
  const out: ForecastPoint[] = []
  let phiSum = 0 // φ + φ² + … + φʰ
  let phiPower = 1
  let varianceSum = 0 // Σ cⱼ² for j < h
  let next = 1
  for (let h = 1; h <= horizonSteps && next <= wanted; h++) {
    phiPower *= phi
    phiSum += phiPower
    const target = Math.round((next * horizonSteps) / wanted)
    if (h >= target) {
      const value = best.level + phiSum * best.trend
      const half = z * best.residualStd * Math.sqrt(1 + varianceSum)
      out.push({ t: last + h * step, value, low: value - half, high: value + half })
      next++
    }
    const c = best.alpha + best.alpha * best.beta * phiSum
    varianceSum += c * c
  }

  return {
    metric: o.metric,
    horizonMinutes: o.horizonMinutes,
    stepSeconds: step,
    level: best.level,
    trendPerMinute: (best.trend * 60) / step,
    alpha: best.alpha,
    beta: best.beta,
    dampingPerMinute: o.dampingPerMinute,
    residualStd: best.residualStd,
    confidence: o.confidence,
    points: out,
  }
}

interface Fit {
  alpha: number
  beta: number
  level: number
  trend: number
  sse: number
  residualStd: number
}

/** One pass of the smoother over evenly spaced values: final level, trend, one-step errors. */
function run(values: Float64Array, alpha: number, beta: number, phi: number): Fit {
  // Start from the first value and the mean slope of the first few, so the early errors
  // do not come from a zero trend.
  const lead = Math.min(values.length - 1, 5)
  let level = values[0]!
  let trend = lead > 0 ? (values[lead]! - level) / lead : 0
  let sse = 0
  for (let i = 1; i < values.length; i++) {
    const predicted = level + phi * trend
    const error = values[i]! - predicted
    sse += error * error
    const previous = level
    level = predicted + alpha * error
    trend = beta * (level - previous) + (1 - beta) * phi * trend
  }
  const residualStd = Math.sqrt(sse / Math.max(1, values.length - 1))
  return { alpha, beta, level, trend, sse, residualStd }
}

/**
 * The mean of the points in each step [t₀ + i·step, t₀ + (i + 1)·step); a step without
 * points takes the previous step's mean (a gap is not a drop to zero).
 */
function averageBySteps(points: Series, step: number): Float64Array {
  const first = points[0]!.t
  const count = Math.floor((points[points.length - 1]!.t - first) / step) + 1
  const sums = new Float64Array(count)
  const counts = new Uint32Array(count)
  for (const p of points) {
    const i = Math.min(count - 1, Math.floor((p.t - first) / step))
    sums[i]! += p.value
    counts[i]!++
  }
  for (let i = 0; i < count; i++) {
    sums[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : i > 0 ? sums[i - 1]! : 0
  }
  return sums
}

interface Resolved {
  horizonMinutes: number
  metric: string
  points: number
  confidence: number
  alpha: number | undefined
  beta: number | undefined
  dampingPerMinute: number
  minPoints: number
}

function resolveOptions(options: ForecastOptions): Resolved {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', options, 'expected { horizonMinutes, ... }')
  }
  if (options.horizonMinutes === undefined) {
    throw invalidOption('horizonMinutes', undefined, 'expected a horizon in minutes > 0')
  }
  return {
    horizonMinutes: numberOption('horizonMinutes', options.horizonMinutes, 0, { above: 0 }),
    metric: options.metric ?? 'value',
    points: numberOption('points', options.points, 12, { min: 1, integer: true }),
    confidence: numberOption('confidence', options.confidence, 0.95, { above: 0, max: 0.999 }),
    alpha:
      options.alpha === undefined
        ? undefined
        : numberOption('alpha', options.alpha, 0.3, { above: 0, max: 1 }),
    beta:
      options.beta === undefined
        ? undefined
        : numberOption('beta', options.beta, 0.1, { min: 0, max: 1 }),
    dampingPerMinute: numberOption('dampingPerMinute', options.dampingPerMinute, 0.98, {
      above: 0,
      max: 1,
    }),
    minPoints: numberOption('minPoints', options.minPoints, 10, { min: 3, integer: true }),
  }
}

import { invalidOption } from '../errors.js'
import type { Anomaly } from '../types.js'
import { numberOption, round, type Series, validateSeries } from './series.js'

/** Which way counts as unusual: `up` for latency and errors, `down` for throughput, or `both`. */
export type AnomalyDirection = 'up' | 'down' | 'both'

/** Options of `detectAnomalies`. Every default is chosen for one-second series of a run. */
export interface AnomalyOptions {
  /** The series' name, carried on each anomaly (`p95`, `rps`, `cpu`). Default `value`. */
  metric?: string
  /** Unit for the sentences (`ms`, `%`, `req/s`). Default none. */
  unit?: string
  /** Detectors to run. Default both: `['robust-z', 'ewma']`. */
  methods?: ReadonlyArray<'robust-z' | 'ewma'>
  /** Which deviations count. Default `both`. */
  direction?: AnomalyDirection
  /** Robust z: how many previous points form the reference window. Default 60. */
  window?: number
  /** Points needed before any point is judged (both detectors). Default 10. */
  minHistory?: number
  /** Robust z: flag when |z| exceeds this. Default 3.5 (Iglewicz and Hoaglin's cut-off). */
  zThreshold?: number
  /** EWMA: weight of the newest point, 0..1. Default 0.1 (an effective memory of about 19 points). */
  ewmaAlpha?: number
  /** EWMA: flag when the point is this many moving standard deviations from the moving mean. Default 4. */
  ewmaSigmas?: number
  /** Smallest spread, in the series' unit, so a flat series does not flag every wobble. Default 1. */
  minScale?: number
  /** Smallest spread as a fraction of the reference level's magnitude. Default 0.01 (1%). */
  minRelativeScale?: number
  /** Keep at most this many anomalies, the most extreme ones. Default no limit. */
  maxAnomalies?: number
  /**
   * Judge only points at or after this time (the series' seconds); earlier points still feed
   * both detectors, so the result is the same as filtering the full run's anomalies, for less
   * work. Default: every point is judged.
   */
  judgeFrom?: number
  /**
   * How a point's time reads in `reason`, from its seconds in the series. Default `t=12 s`,
   * the run's own clock; the monitor writes the time of day instead.
   */
  timeLabel?: (t: number) => string
}

interface Resolved {
  metric: string
  unit: string
  robust: boolean
  ewma: boolean
  direction: AnomalyDirection
  window: number
  minHistory: number
  zThreshold: number
  alpha: number
  sigmas: number
  minScale: number
  minRelativeScale: number
  maxAnomalies: number
  judgeFrom: number
  timeLabel: (t: number) => string
}

/** 1.4826 × MAD estimates the standard deviation of normally distributed data. */
const MAD_TO_SIGMA = 1.4826

/**
 * Finds unusual points in a series with two online detectors, each judging a point only
 * against the points before it (so the monitor can run it on a growing history):
 *
 * - robust z-score: z = (x − median) / (1.4826 × MAD) over the previous `window` points.
 *   Median and MAD ignore the outliers they are meant to find, unlike mean and standard
 *   deviation, which a single spike inflates. 3.5 is the usual cut-off for this score.
 * - EWMA control band: an exponentially weighted moving mean and variance; a point more
 *   than `ewmaSigmas` moving standard deviations from the moving mean is flagged. It
 *   follows slow drifts that a fixed window would flag as a run of anomalies. A flagged
 *   point updates the band with its residual clipped to the band's edge, so one spike
 *   does not widen the band for the next twenty points.
 *
 * The spread is never below `max(minScale, minRelativeScale × |level|)`: on a flat series
 * (MAD 0) a small wobble is not an anomaly and nothing divides by zero.
 * A point flagged by both detectors is reported once, as `robust-z`, saying both agree.
 * Cost: O(n × window), no allocation per point beyond the anomalies returned.
 */
export function detectAnomalies(series: Series, options: AnomalyOptions = {}): Anomaly[] {
  const points = validateSeries(series)
  const o = resolveOptions(options)
  const found: Anomaly[] = []

  // The robust window is kept twice: a ring in arrival order (to know what leaves) and a
  // sorted copy (median and MAD in O(window) without sorting per point).
  const ring = new Float64Array(o.window)
  const sorted = new Float64Array(o.window)
  let size = 0
  let oldest = 0

  let mean = 0
  let variance = 0

  for (let i = 0; i < points.length; i++) {
    const { t, value } = points[i]!
    const judged = t >= o.judgeFrom
    let robustHit: Anomaly | null = null
    let ewmaHit: Anomaly | null = null

    if (o.robust && judged && size >= o.minHistory) {
      const median = medianOfSorted(sorted, size)
      const spread = Math.max(MAD_TO_SIGMA * madOfSorted(sorted, size, median), floor(o, median))
      const z = (value - median) / spread
      if (beyond(z, o.zThreshold, o.direction)) {
        robustHit = {
          metric: o.metric,
          t,
          value,
          score: round(z, 4),
          method: 'robust-z',
          reason:
            `${o.metric} was ${fmt(value, o.unit)} at ${o.timeLabel(t)}, ${round(Math.abs(z), 2)} ` +
            `robust standard deviations ${z > 0 ? 'above' : 'below'} the median of the previous ` +
            `${size} points (${fmt(median, o.unit)}, spread ${fmt(spread, o.unit)})`,
        }
      }
    }

    if (o.ewma && i >= o.minHistory) {
      const spread = Math.max(Math.sqrt(variance), floor(o, mean))
      const residual = value - mean
      const score = residual / spread
      if (judged && beyond(score, o.sigmas, o.direction)) {
        const low = mean - o.sigmas * spread
        const high = mean + o.sigmas * spread
        ewmaHit = {
          metric: o.metric,
          t,
          value,
          score: round(score, 4),
          method: 'ewma',
          reason:
            `${o.metric} was ${fmt(value, o.unit)} at ${o.timeLabel(t)}, outside the EWMA band ` +
            `${fmt(low, o.unit)} to ${fmt(high, o.unit)} (moving mean ${fmt(mean, o.unit)} ` +
            `± ${o.sigmas} moving standard deviations)`,
        }
      }
      // Exponentially weighted variance (West's update); the residual is clipped at the
      // band's edge so a spike cannot blow the band open.
      const edge = o.sigmas * spread
      const clipped = Math.max(-edge, Math.min(edge, residual))
      mean += o.alpha * clipped
      variance = (1 - o.alpha) * (variance + o.alpha * clipped * clipped)
    } else if (o.ewma) {
      // Warm-up: a plain running mean and variance of the first points (Welford).
      const n = i + 1
      const delta = value - mean
      mean += delta / n
      variance += (delta * (value - mean) - variance) / n
    }

    if (robustHit && ewmaHit) robustHit.reason += '; the EWMA band agrees'
    const hit = robustHit ?? ewmaHit
    if (hit) found.push(hit)

    if (o.robust) {
      if (size === o.window) {
        removeSorted(sorted, size, ring[oldest]!)
        size--
      }
      insertSorted(sorted, size, value)
      ring[oldest] = value
      oldest = (oldest + 1) % o.window
      size++
    }
  }

  return mostExtreme(found, o.maxAnomalies)
}

function resolveOptions(options: AnomalyOptions): Resolved {
  const methods = options.methods ?? ['robust-z', 'ewma']
  if (
    !Array.isArray(methods) ||
    methods.length === 0 ||
    methods.some(m => m !== 'robust-z' && m !== 'ewma')
  ) {
    throw invalidOption('methods', methods, "expected a non-empty list of 'robust-z' and 'ewma'")
  }
  const direction = options.direction ?? 'both'
  if (direction !== 'up' && direction !== 'down' && direction !== 'both') {
    throw invalidOption('direction', direction, "expected 'up', 'down' or 'both'")
  }
  const window = numberOption('window', options.window, 60, { min: 3, integer: true })
  return {
    metric: options.metric ?? 'value',
    unit: options.unit ?? '',
    robust: methods.includes('robust-z'),
    ewma: methods.includes('ewma'),
    direction,
    window,
    minHistory: numberOption('minHistory', options.minHistory, Math.min(10, window), {
      min: 3,
      max: window,
      integer: true,
    }),
    zThreshold: numberOption('zThreshold', options.zThreshold, 3.5, { above: 0 }),
    alpha: numberOption('ewmaAlpha', options.ewmaAlpha, 0.1, { above: 0, max: 1 }),
    sigmas: numberOption('ewmaSigmas', options.ewmaSigmas, 4, { above: 0 }),
    minScale: numberOption('minScale', options.minScale, 1, { min: 0 }),
    minRelativeScale: numberOption('minRelativeScale', options.minRelativeScale, 0.01, { min: 0 }),
    maxAnomalies: numberOption('maxAnomalies', options.maxAnomalies, Number.POSITIVE_INFINITY, {
      min: 0,
    }),
    judgeFrom: numberOption('judgeFrom', options.judgeFrom, Number.NEGATIVE_INFINITY, {}),
    timeLabel: timeLabelOption(options.timeLabel),
  }
}

function timeLabelOption(value: unknown): (t: number) => string {
  if (value === undefined) return t => `t=${round(t)} s`
  if (typeof value !== 'function') {
    throw invalidOption('timeLabel', value, 'expected a function from seconds to text')
  }
  return value as (t: number) => string
}

/** The smallest spread allowed around `level`; never 0, so no score divides by zero. */
function floor(o: Resolved, level: number): number {
  return Math.max(o.minScale, o.minRelativeScale * Math.abs(level), Number.MIN_VALUE)
}

function beyond(score: number, threshold: number, direction: AnomalyDirection): boolean {
  if (direction === 'up') return score > threshold
  if (direction === 'down') return score < -threshold
  return Math.abs(score) > threshold
}

/** Keeps the `max` most extreme anomalies, returned in time order. */
function mostExtreme(found: Anomaly[], max: number): Anomaly[] {
  if (found.length <= max) return found
  const kept = [...found].sort((a, b) => Math.abs(b.score) - Math.abs(a.score)).slice(0, max)
  return kept.sort((a, b) => a.t - b.t)
}

function medianOfSorted(sorted: Float64Array, size: number): number {
  const mid = size >> 1
  return size % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Median absolute deviation of a sorted window in O(size): the deviations grow outward
 * from the median on both sides, so merging the two sides finds the middle one without
 * sorting.
 */
function madOfSorted(sorted: Float64Array, size: number, median: number): number {
  let left = (size - 1) >> 1
  let right = left + 1
  const wanted = size >> 1 // index of the upper middle deviation (0-based)
  let previous = 0
  for (let k = 0; k <= wanted; k++) {
    const fromLeft = left >= 0 ? median - sorted[left]! : Number.POSITIVE_INFINITY
    const fromRight = right < size ? sorted[right]! - median : Number.POSITIVE_INFINITY
    const next = Math.min(fromLeft, fromRight)
    if (fromLeft <= fromRight) left--
    else right++
    if (k === wanted) return size % 2 === 1 ? next : (previous + next) / 2
    previous = next
  }
  return previous
}

function insertSorted(sorted: Float64Array, size: number, value: number): void {
  let i = size
  while (i > 0 && sorted[i - 1]! > value) {
    sorted[i] = sorted[i - 1]!
    i--
  }
  sorted[i] = value
}

function removeSorted(sorted: Float64Array, size: number, value: number): void {
  let i = 0
  while (i < size && sorted[i] !== value) i++
  for (; i < size - 1; i++) sorted[i] = sorted[i + 1]!
}

function fmt(value: number, unit: string): string {
  const text = String(round(value))
  return unit ? `${text} ${unit}` : text
}

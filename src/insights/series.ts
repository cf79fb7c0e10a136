import { invalidOption, PerfConfigError } from '../errors.js'

/** One observation of a series: `t` in seconds (from any origin), `value` in the metric's unit. */
export interface SeriesPoint {
  /** Seconds. Points must be in time order (equal times allowed). */
  t: number
  value: number
}

/** A series the analyses accept: points in time order, every `t` and `value` finite. */
export type Series = readonly SeriesPoint[]

/**
 * Checks a series once, before any analysis works on it, so a bad point gives a clear
 * `PerfConfigError` naming the index instead of a NaN that spreads through the statistics.
 * `minPoints` is the analysis's own floor (1 unless it needs more to mean anything).
 */
export function validateSeries(series: unknown, option = 'series', minPoints = 1): Series {
  if (!Array.isArray(series)) {
    throw invalidOption(option, series, 'expected an array of { t, value } points')
  }
  if (series.length < minPoints) {
    throw new PerfConfigError(
      option,
      `${option}: got ${series.length} point(s); this analysis needs at least ${minPoints}`,
    )
  }
  let previous = Number.NEGATIVE_INFINITY
  for (let i = 0; i < series.length; i++) {
    const point = series[i] as Partial<SeriesPoint> | null
    if (point === null || typeof point !== 'object') {
      throw invalidOption(`${option}[${i}]`, point, 'expected an object { t, value }')
    }
    if (typeof point.t !== 'number' || !Number.isFinite(point.t)) {
      throw invalidOption(`${option}[${i}].t`, point.t, 'expected a finite number of seconds')
    }
    if (typeof point.value !== 'number' || !Number.isFinite(point.value)) {
      throw invalidOption(`${option}[${i}].value`, point.value, 'expected a finite number')
    }
    if (point.t < previous) {
      throw invalidOption(
        `${option}[${i}].t`,
        point.t,
        `expected points in time order (>= ${previous})`,
      )
    }
    previous = point.t
  }
  return series as Series
}

/** A number option: undefined gives the default; anything else must be finite and in range. */
export function numberOption(
  option: string,
  value: unknown,
  fallback: number,
  check: { min?: number; max?: number; above?: number; integer?: boolean } = {},
): number {
  if (value === undefined) return fallback
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (check.min === undefined || value >= check.min) &&
    (check.max === undefined || value <= check.max) &&
    (check.above === undefined || value > check.above) &&
    (!check.integer || Number.isInteger(value))
  if (ok) return value
  throw invalidOption(option, value, describeRange(check))
}

/**
 * The median of `values[0..length)`, reordering that part of `values` in place (no
 * allocation). Quickselect (Hoare's selection: partition around a pivot, keep only the side
 * that holds the wanted rank) finds it in O(length) on average, which matters in the
 * bootstrap, where it runs thousands of times per comparison.
 */
export function medianInPlace(values: Float64Array, length: number): number {
  const mid = length >> 1
  const upper = selectInPlace(values, mid, length)
  if (length % 2 === 1) return upper
  // Everything before `mid` is now <= the upper middle value: the lower one is their max.
  let lower = values[0]!
  for (let i = 1; i < mid; i++) if (values[i]! > lower) lower = values[i]!
  return (lower + upper) / 2
}

/** Puts the k-th smallest of `values[0..length)` at index k (smaller ones before it) and returns it. */
function selectInPlace(values: Float64Array, k: number, length: number): number {
  let left = 0
  let right = length - 1
  while (right > left) {
    // Median of three as the pivot, so sorted or reversed input is not the worst case.
    const middle = (left + right) >> 1
    const a = values[left]!
    const b = values[middle]!
    const c = values[right]!
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c))
    let i = left
    let j = right
    while (i <= j) {
      while (values[i]! < pivot) i++
      while (values[j]! > pivot) j--
      if (i <= j) {
        const swap = values[i]!
        values[i] = values[j]!
        values[j] = swap
        i++
        j--
      }
    }
    if (k <= j) right = j
    else if (k >= i) left = i
    else break
  }
  return values[k]!
}

/** The median spacing of the points' times, seconds (1 when every point shares one time). */
export function typicalStep(series: Series): number {
  if (series.length < 2) return 1
  const gaps = new Float64Array(series.length - 1)
  for (let i = 1; i < series.length; i++) gaps[i - 1] = series[i]!.t - series[i - 1]!.t
  const step = medianInPlace(gaps, gaps.length)
  return step > 0 ? step : 1
}

/** A number rounded to `digits` significant digits, for sentences and evidence. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value
  return Number(value.toPrecision(digits))
}

function describeRange(check: { min?: number; max?: number; above?: number; integer?: boolean }) {
  const parts: string[] = []
  if (check.above !== undefined) parts.push(`> ${check.above}`)
  if (check.min !== undefined) parts.push(`>= ${check.min}`)
  if (check.max !== undefined) parts.push(`<= ${check.max}`)
  const kind = check.integer ? 'an integer' : 'a finite number'
  return parts.length ? `expected ${kind} ${parts.join(' and ')}` : `expected ${kind}`
}

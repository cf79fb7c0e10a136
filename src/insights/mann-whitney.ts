import { invalidOption } from '../errors.js'
import { upperTail } from './normal.js'

/** Which difference the test looks for: `greater` means the first sample tends to be larger. */
export type Alternative = 'two-sided' | 'greater' | 'less'

/** Options of `mannWhitneyU`. */
export interface MannWhitneyOptions {
  /** Default `two-sided`. */
  alternative?: Alternative
  /** Subtract 0.5 from |U − mean| (continuity correction). Default true. */
  continuity?: boolean
}

/** The outcome of a Mann-Whitney U test. */
export interface MannWhitneyResult {
  /** U of the first sample: how many (first, second) pairs have first > second, ties half. */
  u: number
  /** U of the second sample; `u + uOther = n1 × n2`. */
  uOther: number
  /** The standardised statistic under the normal approximation (tie-corrected variance). */
  z: number
  /** P-value for `alternative`. */
  pValue: number
  n1: number
  n2: number
}

/**
 * Mann-Whitney U test (Wilcoxon rank-sum) with the normal approximation:
 * U₁ = R₁ − n₁(n₁ + 1)/2 from the rank sum R₁ of the first sample (ties get their mean
 * rank), mean n₁n₂/2 and variance n₁n₂/12 · [(n + 1) − Σ(t³ − t) / (n(n − 1))], where
 * each t is the size of a group of tied values (the tie correction). It compares whole
 * distributions without assuming normality, which latency never is. The approximation is
 * good from about 8 values per sample; below that the p-value is approximate.
 */
export function mannWhitneyU(
  first: readonly number[],
  second: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  checkSample('first', first, 1)
  checkSample('second', second, 1)
  const alternative = options.alternative ?? 'two-sided'
  if (alternative !== 'two-sided' && alternative !== 'greater' && alternative !== 'less') {
    throw invalidOption('alternative', alternative, "expected 'two-sided', 'greater' or 'less'")
  }
  const continuity = options.continuity ?? true

  const n1 = first.length
  const n2 = second.length
  const n = n1 + n2
  // Indices 0..n1-1 are the first sample, n1..n-1 the second, sorted by value.
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const valueAt = (i: number) => (i < n1 ? first[i]! : second[i - n1]!)
  order.sort((a, b) => valueAt(a) - valueAt(b))

  let rankSumFirst = 0
  let tieTerm = 0
  for (let start = 0; start < n; ) {
    let end = start + 1
    while (end < n && valueAt(order[end]!) === valueAt(order[start]!)) end++
    const ties = end - start
    const meanRank = (start + 1 + end) / 2 // ranks start..end-1, 1-based
    for (let j = start; j < end; j++) if (order[j]! < n1) rankSumFirst += meanRank
    tieTerm += ties * ties * ties - ties
    start = end
  }

  const u = rankSumFirst - (n1 * (n1 + 1)) / 2
  const mean = (n1 * n2) / 2
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1) || 1))
  const sd = Math.sqrt(variance)
  const correction = continuity ? 0.5 : 0

  let z: number
  let pValue: number
  if (sd === 0) {
    // Every value tied: no evidence of any difference.
    z = 0
    pValue = 1
  } else if (alternative === 'greater') {
    z = (u - mean - correction) / sd
    pValue = upperTail(z)
  } else if (alternative === 'less') {
    z = (u - mean + correction) / sd
    pValue = 1 - upperTail(z)
  } else {
    const distance = Math.max(0, Math.abs(u - mean) - correction)
    z = (Math.sign(u - mean) * distance) / sd
    pValue = Math.min(1, 2 * upperTail(distance / sd))
  }
  return { u, uOther: n1 * n2 - u, z, pValue, n1, n2 }
}

/** Throws a `PerfConfigError` unless `values` is an array of at least `min` finite numbers. */
export function checkSample(option: string, values: unknown, min: number): void {
  if (!Array.isArray(values) || values.length < min) {
    throw invalidOption(option, values, `expected an array of at least ${min} finite number(s)`)
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalidOption(`${option}[${i}]`, v, 'expected a finite number')
    }
  }
}

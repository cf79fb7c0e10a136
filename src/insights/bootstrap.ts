import { quantileSorted } from 'simple-statistics'
import { medianInPlace } from './series.js'

/**
 * A small seeded pseudo-random generator (mulberry32: a 32-bit state advanced by a Weyl
 * constant and mixed by two multiply-xorshift rounds). Not for cryptography; good enough to
 * resample, and the same seed gives the same numbers on every machine, so a report's
 * confidence interval can be reproduced.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Options of `bootstrapMedianRatio`. */
export interface BootstrapOptions {
  /** Resamples drawn. Default 2000. */
  resamples?: number
  /** Coverage of the interval, 0..1. Default 0.95. */
  confidence?: number
  /** Seed of the generator. Default 1. */
  seed?: number
}

/**
 * Percentile bootstrap confidence interval of median(after) / median(before): each
 * resample draws both samples again with replacement, and the interval is the middle
 * `confidence` share of the resampled ratios. It makes no assumption about the
 * distribution; with few values (under about 10 per sample) the interval is too narrow.
 */
export function bootstrapMedianRatio(
  after: readonly number[],
  before: readonly number[],
  options: BootstrapOptions = {},
): [number, number] {
  const resamples = options.resamples ?? 2000
  const confidence = options.confidence ?? 0.95
  const random = seededRandom(options.seed ?? 1)

  const a = new Float64Array(after.length)
  const b = new Float64Array(before.length)
  const ratios = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) a[i] = after[Math.floor(random() * after.length)]!
    for (let i = 0; i < b.length; i++) b[i] = before[Math.floor(random() * before.length)]!
    const denominator = medianInPlace(b, b.length)
    ratios[r] = medianInPlace(a, a.length) / (denominator === 0 ? Number.MIN_VALUE : denominator)
  }
  ratios.sort()
  const sorted = Array.from(ratios)
  const tail = (1 - confidence) / 2
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)]
}

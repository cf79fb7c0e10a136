import type { Histogram, JsHistogram } from 'hdr-histogram-js'
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js'
import type { LatencySummary } from '../types.js'

export type { Histogram } from 'hdr-histogram-js'

/**
 * Latencies are recorded in whole microseconds with 3 significant digits: a recorded value is
 * within 0.1% of the true one (1 µs below 1 ms, 1 ms near 1 s). The histogram grows as larger
 * values arrive, so no latency is ever rejected as too large. 64-bit counts, so merged results
 * never overflow; the packed variant is avoided because recording into it is ~25 times slower.
 */
const SIGNIFICANT_DIGITS = 3

/** A new, empty latency histogram (values in µs). */
export function createHistogram(): Histogram {
  return build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  })
}

/** The histogram as compressed base64 (the HdrHistogram V2 format), for a plain-JSON result. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram)
}

/** A histogram from `encodeHistogram`'s text; it resizes itself like a new one. */
export function decodeHistogram(encoded: string): Histogram {
  const histogram = decodeFromCompressedBase64(encoded, 64, false)
  histogram.autoResize = true
  return histogram
}

/**
 * The latency summary of a histogram of microseconds, in milliseconds rounded to the µs.
 * Min and max are, like the percentiles, exact to 3 significant digits.
 * A percentile is the histogram's value at that percentile: the highest value equivalent (at
 * 3 significant digits) to the smallest recorded value with at least that share of values at
 * or below it. An empty histogram summarises to zeros.
 */
export function summarize(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) {
    return { min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 }
  }
  const { mean, stdev } = moments(histogram)
  return {
    min: ms(minimum(histogram)),
    mean: ms(mean),
    stdev: ms(stdev),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.getValueAtPercentile(100)),
  }
}

/** One percentile of a histogram of µs, in ms rounded to the µs (0 when empty). */
export function percentileMs(histogram: Histogram, percentile: number): number {
  return histogram.totalCount === 0 ? 0 : ms(histogram.getValueAtPercentile(percentile))
}

/** Adds every histogram into a new one. */
export function addHistograms(histograms: Histogram[]): Histogram {
  const sum = createHistogram()
  for (const histogram of histograms) sum.add(histogram)
  return sum
}

// Min and max come from the buckets (the lowest and highest values equivalent to the extreme
// recorded ones), not from the exact extremes the live histogram also tracks: the encoded form
// keeps only buckets, so this way a result and its decoded or merged copy summarise the same.
function minimum(histogram: Histogram): number {
  return histogram.getValueAtPercentile(0)
}

/**
 * Mean and standard deviation of a histogram of µs, each bucket counted at its median
 * equivalent value: the same figures as the histogram's own `mean` and `stdDeviation`, from one
 * scan of the counts instead of three walks of its value iterator. The walks cost most of a
 * short run's summary: a monitor probe of five requests spent a third of its CPU in them.
 */
function moments(histogram: Histogram): { mean: number; stdev: number } {
  const buckets = histogram as unknown as JsHistogram
  const values: number[] = []
  const counts: number[] = []
  let seen = 0
  let total = 0
  for (let i = 0; i < buckets.countsArrayLength && seen < histogram.totalCount; i++) {
    const count = buckets.getCountAtIndex(i)
    if (count === 0) continue
    const value = buckets.medianEquivalentValue(buckets.valueFromIndex(i))
    values.push(value)
    counts.push(count)
    seen += count
    total += value * count
  }
  const mean = total / histogram.totalCount

  let squares = 0
  for (let i = 0; i < values.length; i++) {
    const deviation = (values[i] as number) - mean
    squares += deviation * deviation * (counts[i] as number)
  }
  return { mean, stdev: Math.sqrt(squares / histogram.totalCount) }
}

function ms(microseconds: number): number {
  return Math.round(microseconds) / 1000
}

import hdr from 'hdr-histogram-js'
import { describe } from '../errors.js'
import type { EvaluableResult } from '../slo/evaluate.js'
import { answered, latencySummary } from '../slo/evaluate.js'
import { formatCount, formatMs, formatPercent } from '../slo/format.js'
import { PERCENTILE_KEYS } from '../slo/objectives.js'
import type { LatencySummary, LoadResult } from '../types.js'

/** Which latency judges an open-model result; a closed-model result has raw only. */
export type LatencyMode = 'corrected' | 'raw'

/** What a matcher received, made uniform: a `LoadResult` or an array of ms samples. */
export interface Measured {
  kind: 'result' | 'samples'
  /** The scenario label, or `samples` for an array. */
  label: string
  /** The received value shaped for `evaluate`. */
  evaluable: EvaluableResult
  /** The whole result when a `LoadResult` was received. */
  result: LoadResult | null
  /** Latency at percentile `p` (0..100), ms; null when it cannot be known. */
  percentile(p: number, mode: LatencyMode): number | null
  /** Whether corrected latency judges this value (an open-model result). */
  corrected(mode: LatencyMode): boolean
  /** The parenthesised context of a failure message. */
  context(mode: LatencyMode): string
}

/** Reads a matcher's received value, or returns the failure message saying what it was. */
export function readReceived(value: unknown): Measured | string {
  if (Array.isArray(value)) return readSamples(value)
  if (isLoadResult(value)) return fromResult(value)
  return `expected a LoadResult (from load() or measure()) or an array of millisecond samples, received ${kindOf(value)}`
}

/** True when `value` has the fields of a `LoadResult` the matchers read. */
export function isLoadResult(value: unknown): value is LoadResult {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<LoadResult>
  return (
    typeof v.latencyMs === 'object' &&
    v.latencyMs !== null &&
    typeof v.latencyMs.p50 === 'number' &&
    typeof v.requests === 'object' &&
    v.requests !== null &&
    typeof v.requests.total === 'number' &&
    typeof v.successRate === 'number' &&
    typeof v.throughputRps === 'number' &&
    (v.model === 'open' || v.model === 'closed')
  )
}

/** The summary's own fields by percentile; any other percentile is read from the histogram. */
const SUMMARY_PERCENTILES: Readonly<Record<string, keyof LatencySummary>> = {
  '0': 'min',
  ...PERCENTILE_KEYS,
}

function fromResult(result: LoadResult): Measured {
  const corrected = (mode: LatencyMode) =>
    mode === 'corrected' && result.model === 'open' && result.correctedLatencyMs !== null
  return {
    kind: 'result',
    label: result.label ?? 'scenario',
    evaluable: result,
    result,
    corrected,
    percentile(p, mode) {
      if (answered(result) === 0) return null
      const key = SUMMARY_PERCENTILES[String(p)]
      if (key) return latencySummary(result, mode)[key]
      const encoded = corrected(mode) ? result.correctedHistogram : result.histogram
      return histogramPercentile(encoded, p)
    },
    context(mode) {
      const summary = latencySummary(result, mode)
      const kind = corrected(mode) ? ' corrected' : ''
      const dropped = result.requests.dropped
        ? `, ${formatCount(result.requests.dropped)} dropped`
        : ''
      const latency =
        answered(result) === 0
          ? 'no latency'
          : `p50 ${formatMs(summary.p50)}, p99 ${formatMs(summary.p99)} ms${kind}`
      return (
        `(${latency}; ` +
        `${formatCount(result.requests.total)} requests, ${formatPercent(result.successRate)} succeeded${dropped})`
      )
    },
  }
}

function readSamples(values: unknown[]): Measured | string {
  if (values.length === 0) return 'expected latency samples, received an empty array'
  const bad = values.findIndex(v => typeof v !== 'number' || !Number.isFinite(v) || v < 0)
  if (bad !== -1) {
    return `expected an array of millisecond samples (finite numbers >= 0), received ${describe(values[bad])} at index ${bad}`
  }

  const sorted = (values as number[]).slice().sort((a, b) => a - b)
  const summary = summarizeSamples(sorted)
  const evaluable: EvaluableResult = {
    label: 'samples',
    model: 'closed',
    // Every sample is a completed request; a plain array carries no failures and no duration.
    successRate: 100,
    throughputRps: Number.NaN,
    latencyMs: summary,
    correctedLatencyMs: null,
    requests: { total: sorted.length },
  }
  return {
    kind: 'samples',
    label: 'samples',
    evaluable,
    result: null,
    corrected: () => false,
    percentile: p => nearestRank(sorted, p),
    context: () =>
      `(p50 ${formatMs(summary.p50)}, p99 ${formatMs(summary.p99)} ms; ${formatCount(sorted.length)} samples)`,
  }
}

/**
 * The nearest-rank percentile of sorted samples: the smallest sample with at least p% of
 * the samples at or below it (p = 0 gives the smallest). The histogram's value at
 * percentile follows the same definition, so samples and results are judged alike.
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (p <= 0) return sorted[0] as number
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number
}

function summarizeSamples(sorted: readonly number[]): LatencySummary {
  const n = sorted.length
  const mean = sorted.reduce((sum, v) => sum + v, 0) / n
  const variance = sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n
  return {
    min: sorted[0] as number,
    mean,
    stdev: Math.sqrt(variance),
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    p999: nearestRank(sorted, 99.9),
    max: sorted[n - 1] as number,
  }
}

/** A percentile from an encoded histogram (µs), in ms; null when there is none to read. */
function histogramPercentile(encoded: string | null, p: number): number | null {
  if (!encoded) return null
  try {
    const histogram = hdr.decodeFromCompressedBase64(encoded, 32, false)
    const value = histogram.getValueAtPercentile(p) / 1000
    histogram.destroy()
    return value
  } catch {
    return null
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'object') {
    const keys = Object.keys(value).slice(0, 5)
    return `an object with keys ${keys.length ? keys.join(', ') : '(none)'}`
  }
  return `${typeof value} ${describe(value)}`
}

import { median } from 'simple-statistics'
import { invalidOption } from '../errors.js'
import type { BaselineComparison, LoadResult } from '../types.js'
import { bootstrapMedianRatio } from './bootstrap.js'
import { checkSample, mannWhitneyU } from './mann-whitney.js'
import { numberOption, round } from './series.js'
import { hasLatency } from './timeline.js'

/** The timeline latency compared second by second. */
export type ComparedMetric = 'p50' | 'p95' | 'p99'

/** Options of `compareResults` and `compareToBaseline`. */
export interface CompareOptions {
  /** Noise threshold: a change smaller than this, percent, is `unchanged`. Default 5. */
  tolerancePct?: number
  /**
   * Noise threshold in ms: a change smaller than this is `unchanged` whatever its percent.
   * Default 1: on a sub-millisecond median, tens of microseconds of timer and scheduler
   * jitter are tens of percent and, over enough seconds, significant.
   */
  toleranceMs?: number
  /** Seed of the bootstrap, so the interval is reproducible. Default 1. */
  seed?: number
  /** Significance level of the Mann-Whitney test. Default 0.05. */
  alpha?: number
  /** Which per-second latency to compare. Default `p50`. */
  metric?: ComparedMetric
  /** Bootstrap resamples. Default 2000. */
  resamples?: number
  /** Coverage of the change's interval, 0..1. Default 0.95. */
  confidence?: number
  /** Fewer per-second samples than this on either side: not judged (`unchanged`). Default 5. */
  minSamples?: number
  /** The scenario's name on the comparison. Default: the current result's label, else `samples`. */
  scenario?: string
}

/**
 * Is this run slower than the baseline? Compares per-second latency samples (by default
 * each second's p50 from the timelines; seconds without a recorded latency are left out)
 * or two arrays of latency samples in ms:
 *
 * - change = median(after) / median(before) − 1, in percent;
 * - its confidence interval by a seeded percentile bootstrap of that ratio;
 * - a two-sided Mann-Whitney U test (tie-corrected normal approximation) for whether the
 *   two sets of seconds come from the same distribution.
 *
 * The verdict is `regressed` (slower) or `improved` (faster) only when the change is both
 * significant (p < `alpha`) and beyond `tolerancePct`; otherwise `unchanged`. Either test
 * alone misleads: a long run makes a 1% shift significant, and a noisy short one makes a
 * 20% difference look large by chance.
 */
export function compareResults(
  current: LoadResult | readonly number[],
  baseline: LoadResult | readonly number[],
  options: CompareOptions = {},
): BaselineComparison {
  const o = resolveOptions(options)
  const after = samplesOf(current, o.metric, 'current')
  const before = samplesOf(baseline, o.metric, 'baseline')
  const scenario =
    options.scenario ?? (Array.isArray(current) ? 'samples' : (current as LoadResult).label)
  const metric = `${o.metric} latency (median of per-second values)`

  const beforeMedian = before.length ? median(before) : 0
  const afterMedian = after.length ? median(after) : 0
  const changePct = percentChange(afterMedian, beforeMedian)
  const base = {
    scenario,
    metric,
    before: beforeMedian,
    after: afterMedian,
    changePct,
    tolerancePct: o.tolerancePct,
    toleranceMs: o.toleranceMs,
    samples: { before: before.length, after: after.length },
  }

  if (before.length < o.minSamples || after.length < o.minSamples) {
    return {
      ...base,
      ciPct: [changePct, changePct],
      pValue: 1,
      verdict: 'inconclusive',
      reason:
        `not judged: ${before.length} baseline and ${after.length} current seconds with ` +
        `responses; the comparison needs at least ${o.minSamples} of each`,
    }
  }

  const { pValue } = mannWhitneyU(after, before)
  const [low, high] = bootstrapMedianRatio(after, before, o)
  const ciPct: [number, number] = [(low - 1) * 100, (high - 1) * 100]
  const significant = pValue < o.alpha
  const beyondPct = Math.abs(changePct) > o.tolerancePct
  const beyondMs = Math.abs(afterMedian - beforeMedian) > o.toleranceMs
  const beyond = beyondPct && beyondMs
  const verdict = significant && beyond ? (changePct > 0 ? 'regressed' : 'improved') : 'unchanged'

  const why =
    verdict !== 'unchanged'
      ? `significant (p < ${o.alpha}) and beyond the ${o.tolerancePct}% and ${o.toleranceMs} ms tolerances`
      : !significant
        ? `not significant (p ≥ ${o.alpha})`
        : !beyondPct
          ? `within the ${o.tolerancePct}% tolerance`
          : `within the ${o.toleranceMs} ms tolerance`
  return {
    ...base,
    ciPct,
    pValue,
    verdict,
    reason:
      `${o.metric} ${round(afterMedian)} ms vs ${round(beforeMedian)} ms baseline: ` +
      `${signed(changePct)}% (${Math.round(o.confidence * 100)}% CI ${signed(ciPct[0])}% to ` +
      `${signed(ciPct[1])}%), Mann-Whitney ${formatP(pValue)} over ${after.length} and ` +
      `${before.length} seconds; ${why}: ${verdict}`,
  }
}

/**
 * `compareResults` for one scenario against its baseline run, as the reporter and the
 * `toNotRegressFrom` matcher call it. Defaults: tolerance 5%, seed 1, p50 per second.
 */
export function compareToBaseline(
  result: LoadResult,
  baseline: LoadResult,
  options: CompareOptions = {},
): BaselineComparison {
  if (!isResult(result))
    throw invalidOption('result', result, 'expected a LoadResult with a timeline')
  if (!isResult(baseline)) {
    throw invalidOption('baseline', baseline, 'expected a LoadResult with a timeline')
  }
  const comparison = compareResults(result, baseline, { scenario: result.label, ...options })
  // A saturated generator's latency is partly its own queueing: a change is not the service's.
  const saturated = [
    result.host?.saturated ? 'this run' : null,
    baseline.host?.saturated ? 'the baseline' : null,
  ].filter(Boolean)
  if (saturated.length === 0 || comparison.verdict === 'inconclusive') return comparison
  return {
    ...comparison,
    verdict: 'inconclusive',
    reason:
      `not judged: the load generator was saturated in ${saturated.join(' and ')}, so its ` +
      `latency is partly the generator's own (${comparison.reason})`,
  }
}

/** The per-second latency samples of a result, or the given samples after checking them. */
export function samplesOf(
  input: LoadResult | readonly number[],
  metric: ComparedMetric,
  option: string,
): number[] {
  if (Array.isArray(input)) {
    checkSample(option, input, 0)
    return [...(input as readonly number[])]
  }
  if (!isResult(input)) {
    throw invalidOption(option, input, 'expected a LoadResult (with a timeline) or an array of ms')
  }
  const samples: number[] = []
  for (const entry of input.timeline) {
    const value = entry[metric]
    if (hasLatency(entry) && Number.isFinite(value)) samples.push(value)
  }
  return samples
}

function isResult(value: unknown): value is LoadResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as LoadResult).timeline) &&
    typeof (value as LoadResult).label === 'string'
  )
}

interface Resolved {
  tolerancePct: number
  toleranceMs: number
  seed: number
  alpha: number
  metric: ComparedMetric
  resamples: number
  confidence: number
  minSamples: number
}

function resolveOptions(options: CompareOptions): Resolved {
  const metric = options.metric ?? 'p50'
  if (metric !== 'p50' && metric !== 'p95' && metric !== 'p99') {
    throw invalidOption('metric', metric, "expected 'p50', 'p95' or 'p99'")
  }
  return {
    tolerancePct: numberOption('tolerancePct', options.tolerancePct, 5, { min: 0 }),
    toleranceMs: numberOption('toleranceMs', options.toleranceMs, 1, { min: 0 }),
    seed: numberOption('seed', options.seed, 1, { integer: true }),
    alpha: numberOption('alpha', options.alpha, 0.05, { above: 0, max: 0.5 }),
    metric,
    resamples: numberOption('resamples', options.resamples, 2000, { min: 100, integer: true }),
    confidence: numberOption('confidence', options.confidence, 0.95, { above: 0, max: 0.999 }),
    minSamples: numberOption('minSamples', options.minSamples, 5, { min: 2, integer: true }),
  }
}

/** after / before − 1 in percent; against a zero baseline the ratio is undefined: 0 or ±100. */
function percentChange(after: number, before: number): number {
  if (before !== 0) return (after / before - 1) * 100
  return after === 0 ? 0 : Math.sign(after) * 100
}

function formatP(p: number): string {
  return p < 0.0001 ? 'p<0.0001' : `p=${round(p, 2)}`
}

function signed(value: number): string {
  const r = round(value, 2)
  return r > 0 ? `+${r}` : String(r)
}

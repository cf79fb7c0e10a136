import { describe } from '../errors.js'
import type { ComparedMetric } from '../insights/index.js'
import { compareResults, compareToBaseline } from '../insights/index.js'
import type { BaselineComparison, LoadResult } from '../types.js'
import {
  badInput,
  guarded,
  isBudget,
  type PerfMatcherState,
  record,
  unknownOption,
} from './context.js'
import { isLoadResult } from './received.js'

/** Options of `toNotRegressFrom`. */
export interface RegressionMatcherOptions {
  /** Noise threshold: a slowdown smaller than this, percent, is not a regression. Default 5. */
  tolerance?: number
  /** Absolute noise threshold, ms: a smaller change is not a regression. Default 1. */
  toleranceMs?: number
  /** Which per-second latency is compared. Default `p50`. */
  metric?: ComparedMetric
  /** Significance level of the Mann-Whitney test. Default 0.05. */
  alpha?: number
  /** Seed of the bootstrap interval, so the verdict is reproducible. Default 1. */
  seed?: number
}

const OPTION_KEYS = ['tolerance', 'toleranceMs', 'metric', 'alpha', 'seed'] as const

/**
 * `expect(result).toNotRegressFrom(baseline, { tolerance: 5 })`: this run's per-second
 * latency is not significantly slower than the baseline's by more than `tolerance` percent
 * (a Mann-Whitney test and a bootstrap interval, from the insights). Takes two `LoadResult`s
 * or two arrays of ms samples. Records a `regression` row: target the tolerance, actual the
 * change in percent.
 */
export const toNotRegressFrom = guarded(
  'toNotRegressFrom',
  function (this: PerfMatcherState, received: unknown, baseline: unknown, options?: unknown) {
    const opts = (options ?? {}) as RegressionMatcherOptions
    if (typeof opts !== 'object' || opts === null) {
      return badInput(
        this,
        `toNotRegressFrom: options must be an object like { tolerance: 5 }, received ${describe(options)}`,
      )
    }
    const unknown = unknownOption(opts, OPTION_KEYS)
    if (unknown !== undefined) return badInput(this, `toNotRegressFrom: ${unknown}`)
    if (opts.tolerance !== undefined && !isBudget(opts.tolerance)) {
      return badInput(
        this,
        `toNotRegressFrom: tolerance must be a percent >= 0, received ${describe(opts.tolerance)}`,
      )
    }
    const current = comparable(received, 'the received value')
    if (typeof current === 'string') return badInput(this, `toNotRegressFrom: ${current}`)
    const before = comparable(baseline, 'the baseline')
    if (typeof before === 'string') return badInput(this, `toNotRegressFrom: ${before}`)

    const compareOptions = {
      tolerancePct: opts.tolerance,
      toleranceMs: opts.toleranceMs,
      metric: opts.metric,
      alpha: opts.alpha,
      seed: opts.seed,
    }
    const comparison: BaselineComparison =
      isLoadResult(current) && isLoadResult(before)
        ? compareToBaseline(current, before, compareOptions)
        : compareResults(current, before, compareOptions)

    // Too few seconds to judge is not "no regression": the assertion could not be checked, so
    // it fails with or without .not, like a latency matcher given no response.
    const judged = comparison.verdict !== 'inconclusive'
    const pass = comparison.verdict !== 'regressed'
    record(
      this,
      [
        {
          scenario: comparison.scenario,
          metric: 'regression',
          target: comparison.tolerancePct,
          actual: comparison.changePct,
          unit: '%',
          comparator: '<=',
          passed: judged && pass,
        },
      ],
      received,
    )
    if (!judged) {
      return badInput(
        this,
        `toNotRegressFrom: cannot tell whether ${comparison.scenario} regressed, so the ` +
          `assertion fails: ${comparison.reason}`,
      )
    }
    return {
      pass,
      message: () =>
        this.isNot
          ? `expected ${comparison.scenario} to regress from the baseline, but: ${comparison.reason}`
          : `expected ${comparison.scenario} not to regress from the baseline beyond ${comparison.tolerancePct}%, but: ${comparison.reason}`,
      actual: comparison,
    }
  },
)

function comparable(value: unknown, what: string): LoadResult | number[] | string {
  if (isLoadResult(value)) {
    if (Array.isArray(value.timeline)) return value
    return `${what} has no timeline to compare`
  }
  if (Array.isArray(value)) {
    if (value.every(v => typeof v === 'number' && Number.isFinite(v) && v >= 0)) return value
    return `${what} must be an array of millisecond samples (finite numbers >= 0)`
  }
  return `${what} must be a LoadResult or an array of millisecond samples, received ${describe(value)}`
}

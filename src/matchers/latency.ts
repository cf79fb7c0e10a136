import { describe } from '../errors.js'
import { answered } from '../slo/evaluate.js'
import { formatMs, formatWithUnit } from '../slo/format.js'
import type { ComplianceRow } from '../types.js'
import {
  badInput,
  guarded,
  isBudget,
  latencyOption,
  type MatcherOutcome,
  type PerfMatcherState,
  record,
} from './context.js'
import { readReceived } from './received.js'

/** Options of the latency matchers. */
export interface LatencyMatcherOptions {
  /**
   * Which latency judges an open-model result: `corrected` (default, from each request's
   * scheduled arrival) or `raw` (from the actual send). Closed-model results have raw only.
   */
  latency?: 'corrected' | 'raw'
}

/**
 * Latency at percentile `p` (0..100) must be at or below `budget` ms. Records a compliance
 * row `p<p>`; under `.not` the row records the inverse bound (`>`).
 */
function meetPercentile(
  this: PerfMatcherState,
  name: string,
  received: unknown,
  p: unknown,
  budget: unknown,
  options: unknown,
): MatcherOutcome {
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 100) {
    return badInput(
      this,
      `${name}: the percentile must be a number from 0 to 100, received ${describe(p)}`,
    )
  }
  if (!isBudget(budget)) {
    return badInput(
      this,
      `${name}: the latency budget must be a number of ms >= 0, received ${describe(budget)}`,
    )
  }
  const mode = latencyOption(options)
  if (mode !== 'corrected' && mode !== 'raw') return badInput(this, `${name}: ${mode}`)
  const measured = readReceived(received)
  if (typeof measured === 'string') return badInput(this, `${name}: ${measured}`)

  const actual = measured.percentile(p, mode)
  const what = `${measured.corrected(mode) ? 'corrected ' : ''}${percentileName(p)} latency`
  const context = measured.context(mode)
  if (actual === null) {
    record(this, [row(measured.label, p, budget, null, Boolean(this.isNot), false)], received)
    const reason =
      measured.kind === 'result' && measured.result && answered(measured.result) === 0
        ? 'no request got a response'
        : `the result carries no histogram to read ${percentileName(p)} from`
    return badInput(
      this,
      `expected ${what} ≤ ${formatWithUnit(budget, 'ms')}, but it could not be measured: ${reason} ${context}`,
    )
  }

  const pass = actual <= budget
  record(
    this,
    [row(measured.label, p, budget, actual, Boolean(this.isNot), this.isNot ? !pass : pass)],
    received,
  )
  const bound = this.isNot ? '>' : '≤'
  return {
    pass,
    message: () =>
      `expected ${what} ${bound} ${formatWithUnit(budget, 'ms')}, measured ${formatMs(actual)} ms ${context}`,
    actual,
    expected: budget,
  }
}

function row(
  scenario: string,
  p: number,
  target: number,
  actual: number | null,
  negated: boolean,
  passed: boolean,
): ComplianceRow {
  return {
    scenario,
    metric: metricName(p),
    target,
    actual,
    unit: 'ms',
    comparator: negated ? '>' : '<=',
    passed,
  }
}

/** The compliance metric of a percentile: `p95`, `p999` for 99.9, `max` for 100. */
export function metricName(p: number): string {
  if (p === 100) return 'max'
  if (p === 0) return 'min'
  return `p${String(p).replace('.', '')}`
}

function percentileName(p: number): string {
  if (p === 100) return 'max'
  if (p === 0) return 'min'
  return `p${p}`
}

/** `expect(result).toMeetPercentile(p, ms)`: latency at percentile p (0..100) ≤ ms. */
export const toMeetPercentile = guarded(
  'toMeetPercentile',
  function (
    this: PerfMatcherState,
    received: unknown,
    p: unknown,
    budget: unknown,
    options?: unknown,
  ) {
    return meetPercentile.call(this, 'toMeetPercentile', received, p, budget, options)
  },
)

/** Builds a fixed-percentile matcher: `toMeetP50`, `toMeetP95`, `toMeetP99`. */
function fixed(name: string, p: number) {
  return guarded(
    name,
    function (this: PerfMatcherState, received: unknown, budget: unknown, options?: unknown) {
      return meetPercentile.call(this, name, received, p, budget, options)
    },
  )
}

/** `expect(result).toMeetP50(ms)`: median latency ≤ ms. */
export const toMeetP50 = fixed('toMeetP50', 50)
/** `expect(result).toMeetP95(ms)`: 95th percentile latency ≤ ms. */
export const toMeetP95 = fixed('toMeetP95', 95)
/** `expect(result).toMeetP99(ms)`: 99th percentile latency ≤ ms. */
export const toMeetP99 = fixed('toMeetP99', 99)

import { describe } from '../errors.js'
import { formatPercent, formatRate, fractionMistake } from '../slo/format.js'
import type { ComplianceRow } from '../types.js'
import { badInput, guarded, isBudget, type PerfMatcherState, record } from './context.js'
import { readReceived } from './received.js'

/**
 * `expect(result).toHaveSuccessRate(percent)`: at least `percent` (0..100) of the requests
 * succeeded. An array of samples counts every sample as a success.
 */
export const toHaveSuccessRate = guarded(
  'toHaveSuccessRate',
  function (this: PerfMatcherState, received: unknown, percent: unknown) {
    if (!isBudget(percent) || percent > 100) {
      return badInput(
        this,
        `toHaveSuccessRate: the success rate must be a percent from 0 to 100, received ${describe(percent)}`,
      )
    }
    const fraction = fractionMistake(percent)
    if (fraction) return badInput(this, `toHaveSuccessRate: received ${fraction}`)
    const measured = readReceived(received)
    if (typeof measured === 'string') return badInput(this, `toHaveSuccessRate: ${measured}`)

    const actual = measured.evaluable.successRate
    const pass = actual >= percent
    record(
      this,
      [floorRow(measured.label, 'successRate', percent, actual, '%', this.isNot, pass)],
      received,
    )
    const bound = this.isNot ? '<' : '≥'
    return {
      pass,
      message: () =>
        `expected success rate ${bound} ${formatPercent(percent)}, measured ${formatPercent(actual)} ${measured.context('corrected')}`,
      actual,
      expected: percent,
    }
  },
)

/**
 * `expect(result).toSustainThroughput(rps)`: at least `rps` completed requests per second
 * over the measured phase. Needs a `LoadResult`: an array of samples has no duration.
 */
export const toSustainThroughput = guarded(
  'toSustainThroughput',
  function (this: PerfMatcherState, received: unknown, rps: unknown) {
    if (!isBudget(rps)) {
      return badInput(
        this,
        `toSustainThroughput: the throughput must be a number of requests per second >= 0, received ${describe(rps)}`,
      )
    }
    const measured = readReceived(received)
    if (typeof measured === 'string') return badInput(this, `toSustainThroughput: ${measured}`)
    if (measured.kind === 'samples') {
      return badInput(
        this,
        'toSustainThroughput: an array of samples has no duration, so throughput cannot be measured; pass the LoadResult instead',
      )
    }

    const actual = measured.evaluable.throughputRps
    const pass = actual >= rps
    record(
      this,
      [floorRow(measured.label, 'throughput', rps, actual, 'req/s', this.isNot, pass)],
      received,
    )
    const bound = this.isNot ? '<' : '≥'
    return {
      pass,
      message: () =>
        `expected throughput ${bound} ${formatRate(rps)} req/s, measured ${formatRate(actual)} req/s ${measured.context('corrected')}`,
      actual,
      expected: rps,
    }
  },
)

/** A floor's row; under `.not` it records what was asserted: the inverse bound `<`. */
function floorRow(
  scenario: string,
  metric: string,
  target: number,
  actual: number,
  unit: string,
  negated: boolean,
  pass: boolean,
): ComplianceRow {
  return {
    scenario,
    metric,
    target,
    actual,
    unit,
    comparator: negated ? '<' : '>=',
    passed: negated ? !pass : pass,
  }
}

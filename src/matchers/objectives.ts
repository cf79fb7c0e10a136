import { evaluate } from '../slo/evaluate.js'
import { formatComparator, formatMs, formatRate, formatWithUnit } from '../slo/format.js'
import type { ComplianceRow } from '../types.js'
import { badInput, guarded, latencyOption, type PerfMatcherState, record } from './context.js'
import { readReceived } from './received.js'

/**
 * `expect(result).toMeetObjectives(objectives, options?)`: every objective of a row
 * (`{ p95: 300, successRate: 99.9 }`), a labelled table (the row for the result's label,
 * or the only row) or k6-style strings is met. Records every row, pass or fail; under
 * `.not` the rows keep the objectives' own verdicts and the assertion passes when any
 * objective failed. The message lists every row with ✓ or ✗.
 */
export const toMeetObjectives = guarded(
  'toMeetObjectives',
  function (this: PerfMatcherState, received: unknown, objectives: unknown, options?: unknown) {
    const mode = latencyOption(options)
    if (mode !== 'corrected' && mode !== 'raw') return badInput(this, `toMeetObjectives: ${mode}`)
    const measured = readReceived(received)
    if (typeof measured === 'string') return badInput(this, `toMeetObjectives: ${measured}`)
    if (objectives === undefined || objectives === null) {
      return badInput(
        this,
        'toMeetObjectives: expected objectives, like { p95: 300 } or defineObjectives({ ... })',
      )
    }

    const rows = evaluate(measured.evaluable, objectives as never, { latency: mode })
    if (rows.length === 0) {
      return badInput(
        this,
        'toMeetObjectives: the objectives are empty, so there is nothing to meet',
      )
    }
    record(this, rows, received)

    const failed = rows.filter(r => !r.passed).length
    const pass = failed === 0
    const verdict = this.isNot
      ? `expected ${measured.label} to miss at least one objective, but all ${rows.length} were met`
      : `expected ${measured.label} to meet every objective, ${failed} of ${rows.length} failed`
    return {
      pass,
      message: () =>
        `${verdict} ${measured.context(mode)}:\n${rows.map(r => `  ${describeRow(r)}`).join('\n')}`,
      actual: rows,
    }
  },
)

/** `✗ p95 ≤ 300 ms: measured 412.0 ms`. */
export function describeRow(row: ComplianceRow): string {
  const mark = row.passed ? '✓' : '✗'
  const bound = `${row.metric} ${formatComparator(row.comparator)} ${formatWithUnit(row.target, row.unit)}`
  if (row.actual === null) return `${mark} ${bound}: not measured`
  const actual =
    row.unit === 'ms'
      ? `${formatMs(row.actual)} ms`
      : row.unit === 'req/s'
        ? `${formatRate(row.actual)} req/s`
        : formatWithUnit(row.actual, row.unit)
  return `${mark} ${bound}: measured ${actual}`
}

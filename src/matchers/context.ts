import type { MatcherState, RunnerTestCase } from 'vitest'
import { recordCompliance, runningOwner } from '../harness/attach.js'
import { didYouMean } from '../load/suggest.js'
import type { ComplianceRow } from '../types.js'

/** The matcher context as Vitest 4.1 passes it: `task` is the test the assertion runs in. */
export type PerfMatcherState = MatcherState & { task?: Readonly<RunnerTestCase> }

/** What a matcher returns to Vitest. */
export interface MatcherOutcome {
  pass: boolean
  message: () => string
  actual?: unknown
  expected?: unknown
}

/**
 * A failed assertion for input the matcher cannot judge (a wrong type, a percentile
 * outside 0..100, a negative budget). It fails with or without `.not`, so bad input never
 * passes by negation, and nothing is recorded.
 */
export function badInput(state: PerfMatcherState, message: string): MatcherOutcome {
  return { pass: Boolean(state.isNot), message: () => message }
}

/**
 * Records rows on the test that measured `received` while it still runs, else on the test the
 * assertion runs in; in an asymmetric matcher or outside a test there is none and nothing is
 * recorded.
 */
export function record(
  state: PerfMatcherState,
  rows: readonly ComplianceRow[],
  received: unknown,
): void {
  const test = runningOwner(received) ?? (state.task as RunnerTestCase | undefined)
  if (test) recordCompliance(rows, test)
}

/** Runs a matcher body; an unexpected error becomes a failed assertion, never a crash. */
export function guarded<A extends unknown[]>(
  name: string,
  body: (this: PerfMatcherState, received: unknown, ...args: A) => MatcherOutcome,
): (this: PerfMatcherState, received: unknown, ...args: A) => MatcherOutcome {
  return function (this: PerfMatcherState, received: unknown, ...args: A) {
    try {
      return body.call(this, received, ...args)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return badInput(this, `${name}: ${reason}`)
    }
  }
}

/** True when `value` is a finite number >= 0. */
export function isBudget(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

/**
 * `options.<key> is not an option; did you mean ...? allowed: ...` for the first key of a
 * matcher's options not in `known`, else undefined.
 */
export function unknownOption(options: object, known: readonly string[]): string | undefined {
  const key = Object.keys(options).find(name => !known.includes(name))
  if (key === undefined) return undefined
  return `options.${key} is not an option; ${didYouMean(key, known)}allowed: ${known.join(', ')}`
}

/** Reads `{ latency: 'corrected' | 'raw' }`, or returns the failure message. */
export function latencyOption(options: unknown): 'corrected' | 'raw' | string {
  if (options === undefined) return 'corrected'
  if (typeof options !== 'object' || options === null) {
    return `options must be an object like { latency: 'raw' }, received ${typeof options}`
  }
  const unknown = unknownOption(options, ['latency'])
  if (unknown !== undefined) return unknown
  const latency = (options as { latency?: unknown }).latency ?? 'corrected'
  if (latency !== 'corrected' && latency !== 'raw') {
    return `options.latency must be 'corrected' or 'raw', received ${JSON.stringify(latency)}`
  }
  return latency
}

import { describe, expect, it } from 'vitest'
import type { TimelineEntry } from '../../src/types.js'
import { makeResult } from '../slo/make-result.js'
import { failure } from '../support/assertions.js'

/** A result whose timeline has `seconds` entries with p50 around `p50` ms (seeded noise). */
function run(p50: number, seconds = 30, seed = 7) {
  let state = seed
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31 - 0.5
  }
  const timeline: TimelineEntry[] = Array.from({ length: seconds }, (_, t) => {
    const value = p50 * (1 + noise() * 0.1)
    return {
      t,
      rps: 100,
      errors: 0,
      dropped: 0,
      p50: value,
      p95: value * 2,
      p99: value * 3,
      inFlight: 1,
    }
  })
  return makeResult({ timeline })
}

describe('toNotRegressFrom', () => {
  const baseline = run(10, 30, 1)

  it('passes against a baseline of the same speed and records the change', ({ task }) => {
    const current = run(10, 30, 2)
    expect(current).toNotRegressFrom(baseline)
    const row = task.meta.perf?.compliance[0]
    expect(row).toMatchObject({ metric: 'regression', target: 5, unit: '%', passed: true })
    expect(Math.abs(row?.actual ?? 99)).toBeLessThan(5)
  })

  it('fails a run 50% slower, with the comparison in the message', ({ task }) => {
    const slower = run(15, 30, 3)
    const message = failure(() => expect(slower).toNotRegressFrom(baseline, { tolerance: 10 }))
    expect(message).toMatch(
      /^expected GET \/users not to regress from the baseline beyond 10%, but: /,
    )
    expect(message).toMatch(/regressed$/)
    expect(slower).not.toNotRegressFrom(baseline)
    expect(task.meta.perf?.compliance[0]).toMatchObject({ target: 10, passed: false })
    expect(task.meta.perf?.compliance[0]?.actual).toBeGreaterThan(40)
  })

  it('lets a slowdown within the tolerance pass', () => {
    expect(run(11, 30, 4)).toNotRegressFrom(baseline, { tolerance: 20 })
  })

  it('compares arrays of samples too', () => {
    const before = Array.from({ length: 40 }, (_, i) => 10 + (i % 5))
    const after = before.map(v => v * 2)
    expect(before.map(v => v + 0.1)).toNotRegressFrom(before)
    expect(failure(() => expect(after).toNotRegressFrom(before))).toMatch(/regressed/)
  })

  it('fails on bad input with a clear message', () => {
    expect(failure(() => expect(baseline).toNotRegressFrom('x' as never))).toMatch(
      /the baseline must be a LoadResult or an array of millisecond samples, received "x"/,
    )
    expect(
      failure(() => expect(baseline).not.toNotRegressFrom(baseline, { tolerance: -1 })),
    ).toMatch(/tolerance must be a percent >= 0, received -1/)
    expect(failure(() => expect(42).toNotRegressFrom(baseline))).toMatch(/the received value/)
  })

  it('refuses an option it does not know, naming the nearest one', () => {
    expect(
      failure(() => expect(baseline).toNotRegressFrom(baseline, { tolerence: 500 } as never)),
    ).toBe(
      'toNotRegressFrom: options.tolerence is not an option; did you mean tolerance? allowed: tolerance, toleranceMs, metric, alpha, seed',
    )
  })

  it('fails, with or without .not, when the runs are too short to judge', ({ task }) => {
    // Three seconds each, the current one almost four times slower: too few to tell.
    const short = run(10, 3, 5)
    const slower = run(37, 3, 6)
    const message = failure(() => expect(slower).toNotRegressFrom(short))
    expect(message).toMatch(
      /^toNotRegressFrom: cannot tell whether GET \/users regressed, so the assertion fails: not judged: 3 baseline and 3 current seconds with responses; the comparison needs at least 5 of each$/,
    )
    expect(failure(() => expect(slower).not.toNotRegressFrom(short))).toBe(message)
    expect(task.meta.perf?.compliance[0]).toMatchObject({ metric: 'regression', passed: false })
  })
})

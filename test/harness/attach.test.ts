import { beforeAll, describe, expect, it } from 'vitest'
import { currentTest, recordCompliance, summaryLine } from '../../src/harness/index.js'
import type { ComplianceRow } from '../../src/types.js'
import { latency, makeResult } from '../slo/make-result.js'

const row = (passed: boolean, actual: number): ComplianceRow => ({
  scenario: 'api',
  metric: 'p95',
  target: 100,
  actual,
  unit: 'ms',
  comparator: '<=',
  passed,
})

let recordedInHook: boolean | undefined
let testInHook: unknown = 'unset'
beforeAll(() => {
  testInHook = currentTest()
  recordedInHook = recordCompliance([row(true, 1)])
})

describe('recordCompliance', () => {
  it('records nothing where no test runs (a beforeAll hook)', () => {
    expect(testInHook).toBeUndefined()
    expect(recordedInHook).toBe(false)
  })

  it('records on the running test, the same objective keeping its latest verdict', ({ task }) => {
    expect(currentTest()).toBe(task)
    expect(recordCompliance([row(true, 80)])).toBe(true)
    expect(recordCompliance([row(false, 120), { ...row(true, 5), metric: 'p50' }])).toBe(true)
    expect(task.meta.perf?.compliance).toEqual([
      row(false, 120),
      { ...row(true, 5), metric: 'p50' },
    ])
    expect(task.meta.perf?.results).toEqual([])
  })
})

describe('summaryLine', () => {
  it('reads as one line with counts, rates, percentiles and success', () => {
    expect(summaryLine(makeResult())).toBe(
      'GET /users: 12,345 req in 10 s (1,234.5 req/s), p50 9.8 ms, p95 31.2 ms, p99 48.0 ms, 99.97% succeeded',
    )
  })

  it('says corrected, dropped and why a run stopped early', () => {
    const result = makeResult({
      model: 'open',
      correctedLatencyMs: latency({ p50: 20, p95: 80, p99: 120 }),
      requests: { total: 900, succeeded: 900, failed: 0, dropped: 100 },
      successRate: 100,
      stopReason: 'objectives failed over the last 5 s: p95',
    })
    expect(summaryLine(result)).toBe(
      'GET /users: 900 req in 10 s (1,234.5 req/s), p50 20.0 ms, p95 80.0 ms, p99 120.0 ms (corrected), 100% succeeded, 100 dropped, stopped early: objectives failed over the last 5 s: p95',
    )
  })
})

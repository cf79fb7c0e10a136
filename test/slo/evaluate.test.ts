import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { defineObjectives, evaluate } from '../../src/slo/index.js'
import { latency, makeResult } from './make-result.js'

describe('evaluate', () => {
  it('returns one row per objective with target, actual, unit and verdict', () => {
    const result = makeResult({ throughputRps: 40, successRate: 99.5 })
    const rows = evaluate(result, { p95: 30, p99: 50, successRate: 99.9, throughput: 20 })
    expect(rows).toEqual([
      {
        scenario: 'GET /users',
        metric: 'p95',
        target: 30,
        actual: 31.2,
        unit: 'ms',
        comparator: '<=',
        passed: false,
      },
      {
        scenario: 'GET /users',
        metric: 'p99',
        target: 50,
        actual: 48,
        unit: 'ms',
        comparator: '<=',
        passed: true,
      },
      {
        scenario: 'GET /users',
        metric: 'successRate',
        target: 99.9,
        actual: 99.5,
        unit: '%',
        comparator: '>=',
        passed: false,
      },
      {
        scenario: 'GET /users',
        metric: 'throughput',
        target: 20,
        actual: 40,
        unit: 'req/s',
        comparator: '>=',
        passed: true,
      },
    ])
  })

  it('treats a bound as inclusive unless a k6 string made it strict', () => {
    const result = makeResult({ latencyMs: latency({ p95: 300 }), throughputRps: 50 })
    expect(evaluate(result, { p95: 300, throughput: 50 }).map(r => r.passed)).toEqual([true, true])
    expect(evaluate(result, ['p(95) < 300', 'throughput > 50']).map(r => r.passed)).toEqual([
      false,
      false,
    ])
  })

  it('judges the open model on corrected latency unless raw is asked for', () => {
    const result = makeResult({
      model: 'open',
      latencyMs: latency({ p95: 20 }),
      correctedLatencyMs: latency({ p95: 400 }),
    })
    const corrected = evaluate(result, { p95: 100 })
    expect(corrected[0]).toMatchObject({ actual: 400, passed: false })
    const raw = evaluate(result, { p95: 100 }, { latency: 'raw' })
    expect(raw[0]).toMatchObject({ actual: 20, passed: true })
  })

  it('judges the closed model on raw latency', () => {
    const result = makeResult({ latencyMs: latency({ p95: 20 }) })
    expect(evaluate(result, { p95: 100 })[0]).toMatchObject({ actual: 20, passed: true })
  })

  it('picks the row of a table by the result label', () => {
    const table = defineObjectives({ 'GET /users': { p99: 10 }, 'GET /health': { p99: 100 } })
    const rows = evaluate(makeResult(), table)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ metric: 'p99', target: 10, passed: false })
  })

  it('uses the only row of a one-row table whatever its label', () => {
    const rows = evaluate(makeResult(), { checkout: ['p(99) < 100'] })
    expect(rows[0]).toMatchObject({ scenario: 'GET /users', target: 100, passed: true })
  })

  it('throws when a table has no row for the label', () => {
    const table = { a: { p99: 10 }, b: { p99: 20 } }
    expect(() => evaluate(makeResult(), table)).toThrow(PerfConfigError)
    expect(() => evaluate(makeResult(), table)).toThrow(/no row for label "GET \/users"/)
  })

  it('reports an unknown key in a bare row rather than a missing label', () => {
    expect(() => evaluate(makeResult(), { p95: 10, p96: 20 } as never)).toThrow(
      /unknown objective "p96"/,
    )
  })

  it('accepts a rolling window shaped like a result, without label or counts', () => {
    const window = {
      model: 'open' as const,
      successRate: 100,
      throughputRps: 95,
      latencyMs: latency({ p95: 50 }),
      correctedLatencyMs: latency({ p95: 350 }),
    }
    const rows = evaluate(window, { p95: 300 }, { label: 'window' })
    expect(rows[0]).toMatchObject({ scenario: 'window', actual: 350, passed: false })
  })

  it('fails latency objectives when nothing completed', () => {
    const result = makeResult({
      requests: { total: 0, succeeded: 0, failed: 0, dropped: 40 },
      latencyMs: latency({ p50: 0, p95: 0, p99: 0, max: 0 }),
      statusCodes: {},
      errors: {},
    })
    const rows = evaluate(result, { p95: 300, successRate: 99 })
    expect(rows[0]).toMatchObject({ metric: 'p95', actual: null, passed: false })
    expect(rows[1]).toMatchObject({ metric: 'successRate', passed: true })
  })

  it('fails latency objectives when every request failed without a response', () => {
    // A closed port: thousands of refused connections, no response, latency figures of 0.
    const refused = makeResult({
      requests: { total: 23_146, succeeded: 0, failed: 23_146, dropped: 0 },
      successRate: 0,
      throughputRps: 0,
      latencyMs: latency({ p50: 0, p95: 0, p99: 0, max: 0 }),
      statusCodes: {},
      errors: { ECONNREFUSED: 23_146 },
    })
    const rows = evaluate(refused, { p95: 50, p99: 10, throughput: 100 })
    expect(rows.map(row => [row.metric, row.actual, row.passed])).toEqual([
      ['p95', null, false],
      ['p99', null, false],
      ['throughput', 0, false],
    ])
  })

  it('judges a measured function by its calls, which have no status codes', () => {
    const calls = makeResult({
      target: { kind: 'function', name: 'noop' },
      statusCodes: {},
      errors: {},
    })
    expect(evaluate(calls, { p95: 300 })[0]).toMatchObject({ actual: 31.2, passed: true })
  })

  it('rejects an unknown latency mode', () => {
    expect(() => evaluate(makeResult(), { p95: 1 }, { latency: 'fast' as never })).toThrow(
      /latency: got "fast"; allowed: 'corrected' or 'raw'/,
    )
  })

  it('rejects a misspelt option, or options that are not an object', () => {
    expect(() => evaluate(makeResult(), { p95: 1 }, { latncy: 'raw' } as never)).toThrow(
      'latncy: unknown option; did you mean latency? allowed: latency, label',
    )
    expect(() => evaluate(makeResult(), { p95: 1 }, 'raw' as never)).toThrow(
      `options: got "raw"; allowed: an object like { latency: 'raw' }`,
    )
  })
})

import { describe, expect, it } from 'vitest'
import { defineObjectives } from '../../src/slo/index.js'
import type { HostSummary, ResourceJudgement } from '../../src/types.js'
import { makeResult } from '../slo/make-result.js'
import { failure } from '../support/assertions.js'

const result = makeResult()

describe('toHaveSuccessRate', () => {
  it('passes at or above the floor and fails below it with the measured rate', () => {
    expect(result).toHaveSuccessRate(99.9)
    expect(failure(() => expect(result).toHaveSuccessRate(99.99))).toBe(
      'expected success rate ≥ 99.99%, measured 99.97% (p50 9.8, p99 48.0 ms; 12,345 requests, 99.97% succeeded)',
    )
    expect(result).not.toHaveSuccessRate(99.99)
  })

  it('counts every sample of an array as a success', () => {
    expect([1, 2, 3]).toHaveSuccessRate(100)
  })

  it('fails on a rate above 100 or below 0', () => {
    expect(failure(() => expect(result).toHaveSuccessRate(101))).toMatch(
      /percent from 0 to 100, received 101/,
    )
    expect(failure(() => expect(result).not.toHaveSuccessRate(-1))).toMatch(/received -1/)
  })

  it('fails on a fraction, which would be a floor of under 1%', () => {
    expect(failure(() => expect(result).toHaveSuccessRate(0.99))).toBe(
      'toHaveSuccessRate: received 0.99 would mean 0.99%, not 99%: give a percent from 1 to 100 (or 0 for no floor)',
    )
    expect(failure(() => expect(result).not.toHaveSuccessRate(0.5))).toMatch(/0\.5 would mean/)
    expect(result).toHaveSuccessRate(0)
    expect(result).toHaveSuccessRate(1)
  })
})

describe('toSustainThroughput', () => {
  it('passes at or above the floor and fails below it', () => {
    expect(result).toSustainThroughput(1000)
    expect(failure(() => expect(result).toSustainThroughput(2000))).toMatch(
      /^expected throughput ≥ 2,000 req\/s, measured 1,234.5 req\/s \(p50/,
    )
    expect(result).not.toSustainThroughput(2000)
  })

  it('fails on samples, which have no duration, also under .not', () => {
    expect(failure(() => expect([1, 2]).toSustainThroughput(1))).toMatch(/has no duration/)
    expect(failure(() => expect([1, 2]).not.toSustainThroughput(1))).toMatch(/has no duration/)
  })
})

describe('toMeetObjectives', () => {
  it('passes when every objective is met and records every row', ({ task }) => {
    expect(result).toMeetObjectives({ p95: 40, successRate: 99.9, throughput: 1000 })
    expect(task.meta.perf?.compliance.map(r => [r.metric, r.passed])).toEqual([
      ['p95', true],
      ['successRate', true],
      ['throughput', true],
    ])
  })

  it('lists every row with ✓ or ✗ on failure', () => {
    const message = failure(() =>
      expect(result).toMeetObjectives({ p95: 25, p99: 50, successRate: 99.99, throughput: 100 }),
    )
    expect(message).toBe(
      [
        'expected GET /users to meet every objective, 2 of 4 failed (p50 9.8, p99 48.0 ms; 12,345 requests, 99.97% succeeded):',
        '  ✗ p95 ≤ 25 ms: measured 31.2 ms',
        '  ✓ p99 ≤ 50 ms: measured 48.0 ms',
        '  ✗ successRate ≥ 99.99%: measured 99.97%',
        '  ✓ throughput ≥ 100 req/s: measured 1,234.5 req/s',
      ].join('\n'),
    )
  })

  it('takes the labelled row of a defineObjectives table, and k6 strings', () => {
    const table = defineObjectives({ 'GET /users': { p99: 60 }, 'GET /health': { p99: 1 } })
    expect(result).toMeetObjectives(table)
    expect(result).toMeetObjectives(['p(95) < 40', 'successRate >= 99'])
    expect(failure(() => expect(result).toMeetObjectives('p(99) < 48'))).toMatch(
      /✗ p99 < 48 ms: measured 48.0 ms/,
    )
  })

  it('passes under .not when any objective fails', () => {
    expect(result).not.toMeetObjectives({ p95: 25, p99: 50 })
    expect(failure(() => expect(result).not.toMeetObjectives({ p99: 50 }))).toMatch(
      /to miss at least one objective, but all 1 were met/,
    )
  })

  it('fails a throughput objective on samples as not measured', () => {
    expect(failure(() => expect([5, 6]).toMeetObjectives({ p95: 10, throughput: 1 }))).toMatch(
      /✓ p95 ≤ 10 ms: measured 6.0 ms\n {2}✗ throughput ≥ 1 req\/s: not measured/,
    )
  })

  it('fails with the configuration error on bad objectives, never throws it', () => {
    expect(failure(() => expect(result).toMeetObjectives({ p96: 10 } as never))).toMatch(
      /^toMeetObjectives: objectives.p96: unknown objective "p96"/,
    )
    expect(failure(() => expect(result).toMeetObjectives('p95 is fast'))).toMatch(/accepted forms/)
    expect(failure(() => expect(result).toMeetObjectives({}))).toMatch(/objectives are empty/)
    expect(failure(() => expect(result).not.toMeetObjectives(undefined as never))).toMatch(
      /expected objectives/,
    )
  })
})

describe('toStayBelowResourceLevel', () => {
  const thresholds = { normal: 40, warning: 70, critical: 85 }
  const judgement = (value: number, level: ResourceJudgement['level']): ResourceJudgement => ({
    value,
    basis: 'p95',
    peak: value + 5,
    mean: value - 5,
    level,
    thresholds,
  })
  const host: HostSummary = {
    intervalMs: 1000,
    sampleCount: 10,
    cpu: judgement(75, 'warning'),
    memory: judgement(30, 'normal'),
    disk: null,
    eventLoop: { delayMs: { p50: 1, p99: 2, max: 3 }, utilization: 0.2 },
    saturated: false,
    saturationReason: null,
    unavailable: ['disk'],
    samples: [],
  }
  const withHost = makeResult({ host })

  it('passes below the level and fails at it, recording a row per resource', ({ task }) => {
    expect(withHost).toStayBelowResourceLevel('critical')
    expect(failure(() => expect(withHost).toStayBelowResourceLevel('warning'))).toMatch(/cpu/)
    expect(withHost).toStayBelowResourceLevel('warning', ['memory'])
    expect(host).toStayBelowResourceLevel('critical')
    const rows = task.meta.perf?.compliance ?? []
    expect(rows.slice(0, 2).map(r => [r.scenario, r.metric, r.passed])).toEqual([
      ['GET /users', 'cpu', true],
      ['GET /users', 'memory', true],
    ])
    expect(rows[2]).toMatchObject({ metric: 'cpu', actual: 75, passed: false })
  })

  it('fails without a host summary, and on a bad level', () => {
    expect(failure(() => expect(result).toStayBelowResourceLevel('warning'))).toMatch(
      /has no host summary/,
    )
    expect(failure(() => expect(withHost).toStayBelowResourceLevel('normal' as 'warning'))).toMatch(
      /must be 'elevated', 'warning' or 'critical', received "normal"/,
    )
    expect(
      failure(() => expect(withHost).toStayBelowResourceLevel('warning', 'cpu' as never)),
    ).toMatch(/resources must be an array/)
  })
})

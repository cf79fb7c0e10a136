import { describe, expect, test } from 'vitest'
import {
  buildReport,
  type CollectedTest,
  readPerfMeta,
  reportPassed,
  scenarioPassed,
} from '../../reporters/collect.js'
import { environmentInfo } from '../../reporters/environment.js'
import { renderJson } from '../../reporters/json.js'
import type { PerfReport } from '../../src/types.js'
import { syntheticResult, syntheticRows } from './synthetic.js'

const environment: PerfReport['environment'] = {
  node: 'v20.0.0',
  os: 'Linux',
  cpus: 2,
  cpuModel: 'cpu',
  memoryBytes: 1024,
  baseUrl: null,
  ci: false,
}
const context = {
  runStartedAt: Date.UTC(2026, 0, 1, 12),
  runFinishedAt: Date.UTC(2026, 0, 1, 12, 5),
  environment,
  toolVersion: '9.9.9',
}

function testOf(overrides: Partial<CollectedTest>): CollectedTest {
  return {
    id: 't1',
    name: 'suite > test',
    file: 'perf/a.perf.ts',
    tags: ['load'],
    state: 'passed',
    ...overrides,
  }
}

describe('buildReport', () => {
  test('makes one record per LoadResult with the test identity and the rows of its label', () => {
    const a = syntheticResult({ label: 'a', seed: 1 })
    const b = syntheticResult({ label: 'b', seed: 2 })
    const rows = [
      ...syntheticRows(a, { p95: 1 }),
      ...syntheticRows(b, { p99: 1000, successRate: 50 }),
    ]
    const report = buildReport([testOf({ perf: { results: [a, b], compliance: rows } })], context)

    expect(report.scenarios.map(s => [s.id, s.name, s.label, s.file, s.tags, s.state])).toEqual([
      ['t1:0', 'suite > test > a', 'a', 'perf/a.perf.ts', ['load'], 'passed'],
      ['t1:1', 'suite > test > b', 'b', 'perf/a.perf.ts', ['load'], 'passed'],
    ])
    expect(report.scenarios[0]?.compliance.map(r => r.metric)).toEqual(['p95'])
    expect(report.scenarios[1]?.compliance.map(r => r.metric)).toEqual(['p99', 'successRate'])
    expect(report.scenarios[0]?.latencyMs.p95).toBe(a.latencyMs.p95)
    // a's p95 misses a 1 ms budget: the scenario fails though its test passed
    expect(report.summary).toEqual({ scenarios: 2, passed: 1, failed: 1, skipped: 0 })
    expect(reportPassed(report)).toBe(false)
  })

  test('a single scenario takes the test name; rows for another label go to the first result', () => {
    const a = syntheticResult({ label: 'GET /a' })
    const hostRow = {
      scenario: 'host',
      metric: 'cpu',
      target: 70,
      actual: 30,
      unit: '%',
      comparator: '<' as const,
      passed: true,
    }
    const report = buildReport([testOf({ perf: { results: [a], compliance: [hostRow] } })], context)
    expect(report.scenarios[0]?.name).toBe('suite > test')
    expect(report.scenarios[0]?.compliance).toEqual([hostRow])
  })

  test('lists tests without a scenario with their state, error and recorded rows', () => {
    const row = {
      scenario: 'table',
      metric: 'p95',
      target: 10,
      actual: 12,
      unit: 'ms',
      comparator: '<=' as const,
      passed: false,
    }
    const report = buildReport(
      [
        testOf({ id: 's', name: 'skipped one', state: 'skipped', tags: ['endurance'] }),
        testOf({ id: 'f', name: 'failed one', state: 'failed', error: 'boom' }),
        testOf({ id: 'r', name: 'rows only', perf: { results: [], compliance: [row] } }),
      ],
      context,
    )
    expect(report.scenarios).toEqual([])
    expect(report.tests).toEqual([
      {
        id: 's',
        name: 'skipped one',
        file: 'perf/a.perf.ts',
        tags: ['endurance'],
        state: 'skipped',
      },
      {
        id: 'f',
        name: 'failed one',
        file: 'perf/a.perf.ts',
        tags: ['load'],
        state: 'failed',
        error: 'boom',
      },
      {
        id: 'r',
        name: 'rows only',
        file: 'perf/a.perf.ts',
        tags: ['load'],
        state: 'passed',
        compliance: [row],
      },
    ])
    expect(report.summary).toEqual({ scenarios: 0, passed: 0, failed: 0, skipped: 1 })
    expect(reportPassed(report)).toBe(false)
  })

  test('a failed test fails its scenario even when every row passed', () => {
    const a = syntheticResult()
    const report = buildReport(
      [
        testOf({
          state: 'failed',
          perf: { results: [a], compliance: syntheticRows(a, { p95: 1e6 }) },
        }),
      ],
      context,
    )
    expect(scenarioPassed(report.scenarios[0]!)).toBe(false)
    expect(report.summary.failed).toBe(1)
  })

  test('uses the run window, widened to the tests own times after a merge', () => {
    const live = buildReport(
      [testOf({ startTime: context.runStartedAt + 1000, durationMs: 500 })],
      context,
    )
    expect([live.startedAt, live.finishedAt]).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T12:05:00.000Z',
    ])

    const earlier = context.runStartedAt - 3_600_000
    const merged = buildReport(
      [
        testOf({ startTime: earlier, durationMs: 2000 }),
        testOf({ startTime: earlier + 10_000, durationMs: 5000 }),
      ],
      context,
    )
    expect([merged.startedAt, merged.finishedAt]).toEqual([
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T11:00:15.000Z',
    ])
  })
})

describe('readPerfMeta', () => {
  test('keeps well-formed results and rows and drops junk from a foreign meta', () => {
    const a = syntheticResult()
    expect(readPerfMeta(undefined)).toBeUndefined()
    expect(readPerfMeta({ results: 'x', compliance: {} })).toBeUndefined()
    const meta = readPerfMeta({
      results: [a, null, { nope: 1 }],
      compliance: [{ metric: 'p95' }, 3],
    })
    expect(meta?.results).toEqual([a])
    expect(meta?.compliance).toEqual([{ metric: 'p95' }])
  })
})

describe('renderJson', () => {
  test('round-trips the report and puts each timeline second on one line', () => {
    const a = syntheticResult({ seconds: 12 })
    const report = buildReport([testOf({ perf: { results: [a], compliance: [] } })], context)
    const text = renderJson(report)
    expect(JSON.parse(text)).toEqual(report)
    const timelineLines = text
      .split('\n')
      .filter(line => line.trim().startsWith('{"t":') && line.includes('"rps"'))
    expect(timelineLines).toHaveLength(12)
    expect(text.startsWith('{\n  "schemaVersion": 1,\n')).toBe(true)
  })
})

describe('environmentInfo', () => {
  test('takes the base URL from PERF_BASE_URL, else SUTAZAI_BASE_URL, and CI from CI', () => {
    expect(
      environmentInfo({ PERF_BASE_URL: 'http://a:1', SUTAZAI_BASE_URL: 'http://b:2' }).baseUrl,
    ).toBe('http://a:1')
    expect(environmentInfo({ SUTAZAI_BASE_URL: ' http://b:2 ' }).baseUrl).toBe('http://b:2')
    expect(environmentInfo({}).baseUrl).toBeNull()
    expect(environmentInfo({ CI: 'true' }).ci).toBe(true)
    expect(environmentInfo({ CI: 'false' }).ci).toBe(false)
    const env = environmentInfo({})
    expect(env.node).toBe(process.version)
    expect(env.cpus).toBeGreaterThan(0)
    expect(env.memoryBytes).toBeGreaterThan(0)
  })
})

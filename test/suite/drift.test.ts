import { describe, expect, test } from 'vitest'
import { describeDrift, driftRows, measureDrift } from '../../perf/drift.js'
import type { HostSummary, LoadResult, TimelineEntry } from '../../src/types.js'

function timeline(p95s: number[]): TimelineEntry[] {
  return p95s.map((p95, t) => ({
    t,
    rps: 10,
    errors: 0,
    dropped: 0,
    p50: p95 / 2,
    p95,
    p99: p95 * 1.5,
    inFlight: 1,
  }))
}

function result(label: string, p95s: number[]): LoadResult {
  return { label, timeline: timeline(p95s) } as LoadResult
}

function host(pid: number, rssMb: number[]): HostSummary {
  return {
    samples: rssMb.map((mb, t) => ({
      t,
      memory: 50 + t / 10,
      processes: { [String(pid)]: { cpu: 5, rssBytes: mb * 1_048_576 } },
    })),
  } as unknown as HostSummary
}

describe('soak drift', () => {
  test('compares the medians of the first and last quarter of the run', () => {
    // 40 s: windows of 10 s. p95 is 10 ms for the first half and 16 ms for the second.
    const p95s = Array.from({ length: 40 }, (_, t) => (t < 20 ? 10 : 16))
    const rss = Array.from({ length: 40 }, (_, t) => 100 + t)
    const drift = measureDrift([result('GET /health', p95s)], host(42, rss), 42)

    expect(drift.windowS).toBe(10)
    expect(drift.latency).toEqual([{ label: 'GET /health', startP95: 10, endP95: 16, changeMs: 6 }])
    // Samples at t 0..10 average 105 MB; t 29..39 average 134 MB.
    expect(drift.serviceRss?.startMb).toBeCloseTo(105, 6)
    expect(drift.serviceRss?.endMb).toBeCloseTo(134, 6)
    expect(drift.hostMemory?.changePct).toBeCloseTo(2.9, 6)
  })

  test('rows allow a share of the p95 budget and a memory growth, and fail beyond them', () => {
    const p95s = Array.from({ length: 40 }, (_, t) => (t < 20 ? 10 : 16))
    const drift = measureDrift([result('GET /health', p95s)], host(7, Array(40).fill(80)), 7)
    const rows = driftRows(drift, () => 25, { latencyShare: 0.2, rssGrowthMb: 50 })

    expect(rows).toEqual([
      {
        scenario: 'GET /health',
        metric: 'p95 drift',
        target: 5,
        actual: 6,
        unit: 'ms',
        comparator: '<=',
        passed: false,
      },
      {
        scenario: 'service',
        metric: 'memory drift',
        target: 50,
        actual: 0,
        unit: 'MB',
        comparator: '<=',
        passed: true,
      },
    ])
    expect(describeDrift(drift)).toContain('GET /health p95 10 → 16 ms (+6 ms)')
  })

  test('an external service (no PID) has no memory drift row', () => {
    const drift = measureDrift([result('x', Array(20).fill(5))], host(1, Array(20).fill(1)), null)
    expect(drift.serviceRss).toBeNull()
    expect(driftRows(drift, () => 10, { latencyShare: 0.25, rssGrowthMb: 50 })).toHaveLength(1)
  })
})

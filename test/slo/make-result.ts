import type { LatencySummary, LoadResult } from '../../src/types.js'

/** A latency summary where every percentile is given or derived from p50. */
export function latency(values: Partial<LatencySummary> = {}): LatencySummary {
  const p50 = values.p50 ?? 10
  return {
    min: values.min ?? p50 / 2,
    mean: values.mean ?? p50,
    stdev: values.stdev ?? 1,
    p50,
    p90: values.p90 ?? p50 * 1.5,
    p95: values.p95 ?? p50 * 2,
    p99: values.p99 ?? p50 * 3,
    p999: values.p999 ?? p50 * 4,
    max: values.max ?? p50 * 5,
  }
}

/** A LoadResult with plausible values, overridable field by field. */
export function makeResult(overrides: Partial<LoadResult> = {}): LoadResult {
  return {
    label: 'GET /users',
    target: { kind: 'http', method: 'GET', url: 'http://127.0.0.1:1/users' },
    model: 'closed',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 10_000,
    requests: { total: 12_345, succeeded: 12_341, failed: 4, dropped: 0 },
    successRate: (12_341 / 12_345) * 100,
    throughputRps: 1234.5,
    latencyMs: latency({ p50: 9.8, p95: 31.2, p99: 48 }),
    correctedLatencyMs: null,
    statusCodes: { '200': 12_341, '500': 4 },
    errors: { status_5xx: 4 },
    bytesReceived: 100_000,
    timeline: [],
    histogram: '',
    correctedHistogram: null,
    aborted: false,
    stopReason: null,
    host: null,
    settings: {},
    ...overrides,
  }
}

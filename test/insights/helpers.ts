import { seededRandom } from '../../src/insights/index.js'
import type { LoadResult, TimelineEntry } from '../../src/types.js'

/** Standard normal draws from a seeded generator (Box-Muller), reproducible across machines. */
export function gaussian(seed: number): () => number {
  const random = seededRandom(seed)
  return () => {
    const u = 1 - random()
    const v = random()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

/** A series of `count` points one second apart with values from `value(i)`. */
export function series(
  count: number,
  value: (i: number) => number,
): { t: number; value: number }[] {
  return Array.from({ length: count }, (_, i) => ({ t: i, value: value(i) }))
}

/** A timeline entry with defaults for the fields a test does not care about. */
export function entry(t: number, fields: Partial<TimelineEntry>): TimelineEntry {
  return { t, rps: 100, errors: 0, dropped: 0, p50: 10, p95: 20, p99: 30, inFlight: 1, ...fields }
}

/**
 * A LoadResult around a synthetic timeline, for the advice rules, whose inputs are a
 * result's fields: the summary fields are derived from the timeline, not typed in.
 */
export function resultFrom(timeline: TimelineEntry[], extra: Partial<LoadResult> = {}): LoadResult {
  const total = timeline.reduce((sum, e) => sum + e.rps, 0)
  const failed = timeline.reduce((sum, e) => sum + e.errors, 0)
  const p50s = timeline.map(e => e.p50).sort((a, b) => a - b)
  const summary = {
    min: p50s[0] ?? 0,
    mean: p50s.reduce((s, v) => s + v, 0) / Math.max(1, p50s.length),
    stdev: 0,
    p50: p50s[p50s.length >> 1] ?? 0,
    p90: 0,
    p95: 0,
    p99: 0,
    p999: 0,
    max: p50s[p50s.length - 1] ?? 0,
  }
  return {
    label: 'GET /synthetic',
    target: { kind: 'http', method: 'GET', url: 'http://127.0.0.1/synthetic' },
    model: 'open',
    startedAt: new Date(0).toISOString(),
    durationMs: timeline.length * 1000,
    requests: { total, succeeded: total - failed, failed, dropped: 0 },
    successRate: total ? (100 * (total - failed)) / total : 100,
    throughputRps: total / Math.max(1, timeline.length),
    latencyMs: summary,
    correctedLatencyMs: null,
    statusCodes: {},
    errors: {},
    bytesReceived: 0,
    timeline,
    histogram: '',
    correctedHistogram: null,
    aborted: false,
    stopReason: null,
    host: null,
    settings: {},
    ...extra,
  }
}

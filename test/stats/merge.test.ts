import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { createHistogram, decodeHistogram, mergeResults, summarize } from '../../src/stats/index.js'
import { Recorder } from '../../src/stats/recorder.js'
import { buildResult } from '../../src/stats/result.js'
import type { LoadResult } from '../../src/types.js'

/** A result whose responses have the given latencies (µs), spread over seconds from `start`. */
function resultOf(
  latencies: number[],
  startedAt: Date,
  model: 'closed' | 'open' = 'closed',
): LoadResult {
  const recorder = new Recorder({
    start: 0,
    corrected: model === 'open',
    keepSeconds: 0,
    inFlight: () => 0,
  })
  latencies.forEach((us, i) => {
    const at = (i / latencies.length) * 3000
    recorder.response(at, us, us * 2, i % 10 === 0 ? 503 : 200, i % 10 === 0 ? 'status_503' : null)
  })
  recorder.error(2500, 'timeout')
  recorder.drop(2600)
  recorder.bytes = latencies.length * 10
  recorder.finish(3000)
  return buildResult(recorder, {
    label: 'GET /x',
    target: { kind: 'http', method: 'GET', url: 'http://127.0.0.1/x' },
    model,
    startedAt,
    durationMs: 3000,
    aborted: false,
    stopReason: null,
    settings: { connections: 2 },
  })
}

describe('mergeResults', () => {
  const a = Array.from({ length: 900 }, (_, i) => 1000 + i * 11)
  const b = Array.from({ length: 300 }, (_, i) => 40_000 + i * 97)
  const start = new Date('2026-01-01T00:00:00.000Z')
  const one = resultOf(a, start)
  const two = resultOf(b, new Date(start.getTime() + 2000))

  it('adds histograms exactly: merged percentiles equal those of all latencies together', () => {
    const merged = mergeResults(one, two)
    const all = createHistogram()
    for (const us of [...a, ...b]) all.recordValue(us)
    expect(merged.latencyMs).toEqual(summarize(all))
    expect(decodeHistogram(merged.histogram).totalCount).toBe(1200)
  })

  it('sums counts, status codes, errors and bytes', () => {
    const merged = mergeResults(one, two)
    expect(merged.requests).toEqual({
      total: one.requests.total + two.requests.total,
      succeeded: one.requests.succeeded + two.requests.succeeded,
      failed: one.requests.failed + two.requests.failed,
      dropped: 2,
    })
    expect(merged.statusCodes).toEqual({ '200': 1080, '503': 120 })
    expect(merged.errors).toEqual({ status_503: 120, timeout: 2 })
    expect(merged.bytesReceived).toBe(12_000)
    expect(merged.successRate).toBeCloseTo((1080 / 1202) * 100, 9)
  })

  it('spans the earliest start to the latest end and aligns timelines by start time + t', () => {
    const merged = mergeResults(one, two)
    expect(merged.startedAt).toBe(start.toISOString())
    expect(merged.durationMs).toBe(5000)
    // Throughput counts answered requests: each part also has one timeout, which is not.
    expect(merged.throughputRps).toBeCloseTo(1200 / 5, 9)
    expect(merged.timeline.map(entry => entry.t)).toEqual([0, 1, 2, 3, 4])
    // Second 2 holds the first run's third second and the second run's first.
    expect(merged.timeline[2]?.rps).toBe((one.timeline[2]?.rps ?? 0) + (two.timeline[0]?.rps ?? 0))
    expect(merged.timeline.reduce((sum, entry) => sum + entry.rps, 0)).toBe(1202)
    expect(merged.timeline[2]?.p99).toBe(
      Math.max(one.timeline[2]?.p99 ?? 0, two.timeline[0]?.p99 ?? 0),
    )
  })

  it('merges corrected histograms when every part has one', () => {
    const open = mergeResults(resultOf(a, start, 'open'), resultOf(b, start, 'open'))
    expect(open.correctedLatencyMs?.max).toBeCloseTo(
      2 * summarize(decodeHistogram(two.histogram)).max,
      -2,
    )
  })

  it('refuses to merge an open-model result with a closed-model one', () => {
    let error: unknown
    try {
      mergeResults(resultOf(a, start, 'open'), one)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(PerfConfigError)
    expect((error as PerfConfigError).option).toBe('results[1]')
    expect((error as Error).message).toBe(
      'mergeResults: results[1] is a closed-model result and results[0] an open-model one; merge results of one model only',
    )
  })

  it('accepts arrays, returns a single result unchanged, and rejects nothing at all', () => {
    expect(mergeResults([one, two]).requests.total).toBe(1202)
    expect(mergeResults(one)).toEqual(one)
    expect(() => mergeResults()).toThrow(PerfConfigError)
    expect(() => mergeResults({} as LoadResult, one)).toThrow(/results\[0\]/)
  })
})

import { describe, expect, it } from 'vitest'
import { Recorder } from '../../src/stats/recorder.js'
import { summarizeWindow } from '../../src/stats/result.js'

describe('Recorder', () => {
  it('puts each event in the second it happened in, even when the timer is late', () => {
    let inFlight = 3
    const recorder = new Recorder({
      start: 1000,
      corrected: false,
      keepSeconds: 0,
      inFlight: () => inFlight,
    })
    recorder.response(1100, 5000, 5000, 200, null)
    recorder.response(1999, 7000, 7000, 200, null)
    // Nothing at all in second 1; second 2 has a failure and a drop.
    recorder.response(3500, 9000, 9000, 500, 'status_500')
    recorder.drop(3600)
    inFlight = 1
    recorder.finish(3700)

    expect(recorder.timeline).toEqual([
      { t: 0, rps: 2, errors: 0, dropped: 0, p50: 5.003, p95: 7.003, p99: 7.003, inFlight: 3 },
      { t: 1, rps: 0, errors: 0, dropped: 0, p50: 0, p95: 0, p99: 0, inFlight: 3 },
      { t: 2, rps: 1, errors: 1, dropped: 1, p50: 9.007, p95: 9.007, p99: 9.007, inFlight: 1 },
    ])
    expect(recorder.statusCodes()).toEqual({ '200': 2, '500': 1 })
    expect(recorder.errorCounts()).toEqual({ status_500: 1 })
  })

  it('keeps the last seconds whole for a rolling window', () => {
    const recorder = new Recorder({ start: 0, corrected: true, keepSeconds: 2, inFlight: () => 0 })
    for (let second = 0; second < 5; second++) {
      for (let i = 0; i < 10; i++) {
        recorder.response(
          second * 1000 + i,
          (second + 1) * 1000,
          (second + 1) * 2000,
          200,
          second === 4 ? 'check' : null,
        )
      }
    }
    recorder.advance(5000)
    const window = recorder.window(2)
    expect(window.map(second => second.t)).toEqual([3, 4])

    const summary = summarizeWindow(window, 'w', 'open')
    expect(summary.requests).toEqual({ total: 20, succeeded: 10, failed: 10, dropped: 0 })
    expect(summary.successRate).toBe(50)
    expect(summary.throughputRps).toBe(10)
    expect(summary.latencyMs.min).toBe(4)
    expect(summary.latencyMs.max).toBeCloseTo(5, 2)
    expect(summary.correctedLatencyMs?.max).toBeCloseTo(10, 1)
  })
})

import { describe, expect, it } from 'vitest'
import { Distribution, mergeSamples, SampleHistory } from '../../src/host/history.js'
import { defaultLevels, judge } from '../../src/slo/levels.js'
import type { HostSample } from '../../src/types.js'

describe('SampleHistory', () => {
  it('bounds a long soak to maxSamples, evenly, and never merges away the newest sample', () => {
    const history = new SampleHistory(1000)
    for (let t = 0; t < 100_000; t++) {
      history.push(sample(t, t / 1000))
      expect(history.length).toBeLessThanOrEqual(1000)
    }
    const kept = history.all()
    expect(kept.length).toBeGreaterThan(500)
    expect(kept.at(-1)).toEqual(sample(99_999, 99.999))

    // Points cover the whole run evenly: sorted, starting near 0, no gap much wider than the
    // typical one (100,000 samples over 500..1000 points: 128 per point).
    const times = kept.map(s => s.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(times[0]).toBeLessThan(200)
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number))
    expect(Math.max(...gaps.slice(0, -2))).toBe(128)

    // A merged point is the mean of the samples it covers: cpu = t / 1000 averaged over the
    // 128 samples ending at t.
    const point = kept[100] as HostSample
    expect(point.cpu).toBeCloseTo((point.t - 63.5) / 1000, 6)
  })

  it('keeps every sample until maxSamples is reached', () => {
    const history = new SampleHistory(10)
    for (let t = 0; t < 10; t++) history.push(sample(t, t))
    expect(history.all().map(s => s.t)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    history.push(sample(10, 10))
    expect(history.length).toBeLessThanOrEqual(10)
    expect(history.all().at(-1)?.t).toBe(10)
  })

  it('merges two samples into their mean, the worst loop delay, and keeps gone processes gone', () => {
    const a = { ...sample(1, 20), processes: { '7': { cpu: 50, rssBytes: 100 } } }
    const b = { ...sample(2, 40), rxBps: null, loopDelayP99Ms: 9, processes: { '7': null } }
    const merged = mergeSamples(a, b)
    expect(merged).toMatchObject({
      t: 2,
      cpu: 30,
      rxBps: 10,
      loopDelayP99Ms: 9,
      processes: { '7': null },
    })
    expect(mergeSamples(b, { ...b, t: 3 }).rxBps).toBeNull()
  })
})

describe('Distribution', () => {
  it('gives the same p95, mean and peak as judge() over the raw values, to 0.1%', () => {
    const values = Array.from({ length: 997 }, (_, i) => ((i * 7919) % 1000) / 10 + 0.04)
    const distribution = new Distribution()
    for (const value of values) distribution.add(value)
    const exact = judge(values, defaultLevels.cpu)
    const stats = distribution.stats()
    expect(stats?.samples).toBe(997)
    expect(Math.abs((stats?.p95 ?? 0) - (exact?.p95 ?? 1))).toBeLessThanOrEqual(0.1)
    expect(stats?.mean).toBeCloseTo(exact?.mean ?? 0, 1)
    expect(stats?.peak).toBeCloseTo(exact?.peak ?? 0, 5)
  })

  it('ignores null and NaN and is empty until a value arrives', () => {
    const distribution = new Distribution()
    distribution.add(null)
    distribution.add(Number.NaN)
    expect(distribution.stats()).toBeNull()
    distribution.add(42)
    expect(distribution.stats()).toEqual({ p95: 42, peak: 42, mean: 42, samples: 1 })
  })
})

function sample(t: number, cpu: number): HostSample {
  return {
    t,
    cpu,
    memory: 50,
    disk: 20,
    rxBps: 10,
    txBps: 5,
    loopDelayP99Ms: 1,
    loopUtilization: 0.1,
  }
}

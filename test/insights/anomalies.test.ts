import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { detectAnomalies } from '../../src/insights/index.js'
import { gaussian, series } from './helpers.js'

describe('detectAnomalies', () => {
  it('flags under 1% of 10,000 points of stationary Gaussian noise (5 seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const noise = gaussian(seed)
      const points = series(10_000, () => 100 + 10 * noise())
      const anomalies = detectAnomalies(points)
      expect(anomalies.length / points.length).toBeLessThan(0.01)
    }
  })

  it('also keeps each detector alone under 1% on noise with no floor on the spread', () => {
    const noise = gaussian(11)
    // Unit-variance noise: the default 1-unit floor would hide everything, so turn it off.
    const points = series(10_000, () => noise())
    for (const method of ['robust-z', 'ewma'] as const) {
      const found = detectAnomalies(points, { methods: [method], minScale: 0 })
      expect(found.length).toBeLessThan(100)
    }
  })

  it('finds injected spikes with their time, value, score and a reason', () => {
    const noise = gaussian(7)
    const spikes = new Set([200, 450, 800])
    const points = series(1000, i => (spikes.has(i) ? 200 : 100 + 5 * noise()))
    const found = detectAnomalies(points)
    const times = found.map(a => a.t)
    for (const t of spikes) expect(times).toContain(t)
    const spike = found.find(a => a.t === 450)!
    expect(spike.value).toBe(200)
    expect(spike.method).toBe('robust-z')
    expect(spike.score).toBeGreaterThan(10)
    expect(spike.reason).toMatch(/above the median of the previous 60 points/)
    expect(spike.reason).toMatch(/EWMA band agrees/)
    // Beyond the spikes, noise adds no more than the 1% false-alarm budget.
    expect(found.length - spikes.size).toBeLessThanOrEqual(10)
  })

  it('handles a flat series: no anomaly for a tiny wobble, one for a real jump, no NaN', () => {
    const flat = series(100, i => (i === 50 ? 100.5 : i === 80 ? 160 : 100))
    const found = detectAnomalies(flat)
    expect(found.map(a => a.t)).toEqual([80])
    expect(Number.isFinite(found[0]!.score)).toBe(true)

    const zeros = series(60, i => (i === 40 ? 12 : 0))
    const errors = detectAnomalies(zeros, { direction: 'up' })
    expect(errors.map(a => a.t)).toEqual([40])
    expect(errors[0]!.score).toBe(12) // 12 errors over the 1-unit floor
  })

  it('respects the direction: a dip is not an upward anomaly', () => {
    const noise = gaussian(3)
    const points = series(300, i => (i === 150 ? 10 : 100 + 2 * noise()))
    expect(detectAnomalies(points, { direction: 'up' }).some(a => a.t === 150)).toBe(false)
    expect(detectAnomalies(points, { direction: 'down' }).some(a => a.t === 150)).toBe(true)
  })

  it('keeps the most extreme anomalies when capped, in time order', () => {
    const points = series(400, i => (i % 50 === 49 ? 100 + i : 100))
    const all = detectAnomalies(points)
    const capped = detectAnomalies(points, { maxAnomalies: 3 })
    expect(all.length).toBeGreaterThan(3)
    expect(capped.map(a => a.t)).toEqual([299, 349, 399])
  })

  it('judges only points from judgeFrom, finding there exactly what a full pass finds', () => {
    const noise = gaussian(5)
    const spikes = new Set([120, 700, 905, 990])
    const points = series(1000, i => (spikes.has(i) ? 160 : 100 + 5 * noise()))
    const all = detectAnomalies(points)
    const recent = detectAnomalies(points, { judgeFrom: 900 })
    expect(recent.map(a => a.t)).toEqual(expect.arrayContaining([905, 990]))
    expect(recent).toEqual(all.filter(a => a.t >= 900))
    expect(() => detectAnomalies(points, { judgeFrom: Number.NaN })).toThrow(/judgeFrom/)
  })

  it('rejects empty series, NaN values, unordered times and bad options with PerfConfigError', () => {
    expect(() => detectAnomalies([])).toThrow(PerfConfigError)
    expect(() => detectAnomalies([{ t: 0, value: Number.NaN }])).toThrow(/series\[0\]\.value/)
    expect(() =>
      detectAnomalies([
        { t: 2, value: 1 },
        { t: 1, value: 1 },
      ]),
    ).toThrow(/time order/)
    expect(() =>
      detectAnomalies(
        series(20, () => 1),
        { window: 1 },
      ),
    ).toThrow(/window/)
    expect(() =>
      detectAnomalies(
        series(20, () => 1),
        { methods: [] },
      ),
    ).toThrow(/methods/)
    expect(() => detectAnomalies('nope' as never)).toThrow(PerfConfigError)
  })
})

import { linearRegression, rSquared } from 'simple-statistics'
import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { findTrend, forecast, timeToThreshold } from '../../src/insights/index.js'
import { gaussian, series } from './helpers.js'

describe('findTrend', () => {
  it('reports the least-squares slope per minute and R² of a noisy ramp', () => {
    const noise = gaussian(21)
    // 0.2 per second = 12 per minute.
    const ramp = series(600, i => 50 + 0.2 * i + 3 * noise())
    const trend = findTrend(ramp, { metric: 'memory', unit: '%' })!
    expect(trend.slopePerMinute).toBeGreaterThan(11.5)
    expect(trend.slopePerMinute).toBeLessThan(12.5)
    expect(trend.r2).toBeGreaterThan(0.95)
    expect(trend.points).toBe(600)
    expect(trend.description).toMatch(/^memory rose 1[12](\.\d+)? % per minute over 9\.98 min/)

    const pairs = ramp.map(p => [p.t / 60, p.value])
    const reference = linearRegression(pairs)
    expect(trend.slopePerMinute).toBeCloseTo(reference.m, 9)
    expect(trend.r2).toBeCloseTo(
      rSquared(pairs, x => reference.m * x + reference.b),
      9,
    )
  })

  it('returns null for noise (R² under the 0.5 floor), too few points and a flat series', () => {
    const noise = gaussian(22)
    expect(findTrend(series(600, () => 100 + noise()))).toBeNull()
    expect(findTrend(series(9, i => i))).toBeNull()
    expect(findTrend(series(50, () => 7))).toBeNull()
    expect(
      findTrend(
        series(9, i => i),
        { minPoints: 5 },
      )?.r2,
    ).toBeCloseTo(1, 9)
  })

  it('rejects a NaN point and a bad floor', () => {
    expect(() =>
      findTrend([
        { t: 0, value: 1 },
        { t: 1, value: Number.NaN },
      ]),
    ).toThrow(PerfConfigError)
    expect(() =>
      findTrend(
        series(20, i => i),
        { minR2: 2 },
      ),
    ).toThrow(/minR2/)
  })
})

describe('timeToThreshold', () => {
  it("predicts a noisy linear ramp's crossing within 10% (3 seeds)", () => {
    for (const seed of [1, 2, 3]) {
      const noise = gaussian(seed)
      // Memory at 40% rising 0.01 points per second (0.6 per minute), noise σ 0.5.
      const points = series(900, i => 40 + 0.01 * i + 0.5 * noise())
      const crossing = timeToThreshold(points, 75)!
      // Truth: 75% at t = 3500 s, that is 2601 s after the last point (t = 899).
      const truth = 3500 - 899
      expect(Math.abs(crossing.inSeconds - truth) / truth).toBeLessThan(0.1)
      expect(crossing.reached).toBe(false)
      expect(crossing.at).toBeCloseTo(899 + crossing.inSeconds, 6)
    }
  })

  it('uses only the window asked for: the current trend, not the whole history', () => {
    // Flat for 10 minutes, then rising 1 per second for 2 minutes.
    const points = series(720, i => (i < 600 ? 10 : 10 + (i - 600)))
    const crossing = timeToThreshold(points, 200, { windowSeconds: 100 })!
    expect(crossing.inSeconds).toBeCloseTo(200 - 129, 6)
  })

  it('says reached when already past, null when moving away or without a trend', () => {
    const rising = series(60, i => i)
    expect(timeToThreshold(rising, 30)).toMatchObject({ reached: true, inSeconds: 0 })
    expect(timeToThreshold(rising, -5)).toMatchObject({ reached: true })
    const falling = series(60, i => 100 - i)
    // A falling trend treats the threshold as a floor unless told otherwise.
    expect(timeToThreshold(falling, 200)).toMatchObject({ reached: true })
    expect(timeToThreshold(falling, 200, { side: 'above' })).toBeNull()
    expect(timeToThreshold(rising, 10, { side: 'below' })).toBeNull()
    expect(timeToThreshold(falling, 0)!.inSeconds).toBeCloseTo(41, 6)
    const noise = gaussian(5)
    expect(
      timeToThreshold(
        series(60, () => noise()),
        10,
      ),
    ).toBeNull()
  })

  it('rejects a threshold that is not a number', () => {
    expect(() =>
      timeToThreshold(
        series(20, i => i),
        Number.NaN,
      ),
    ).toThrow(/threshold/)
  })
})

describe('forecast', () => {
  it('follows a ramp and widens its band with the horizon', () => {
    const noise = gaussian(31)
    const ramp = series(600, i => 20 + 0.05 * i + noise()) // 3 per minute
    const result = forecast(ramp, { horizonMinutes: 10, metric: 'cpu' })
    expect(result.points).toHaveLength(12)
    const widths = result.points.map(p => p.high - p.low)
    for (let i = 1; i < widths.length; i++) expect(widths[i]!).toBeGreaterThan(widths[i - 1]!)
    expect(result.trendPerMinute).toBeGreaterThan(2.5)
    expect(result.trendPerMinute).toBeLessThan(3.5)
    const last = result.points[result.points.length - 1]!
    expect(last.t).toBeGreaterThan(599 + 9 * 60)
    // The undamped line says 20 + 0.05 × 1200 = 80; damping keeps it a little below.
    expect(last.value).toBeGreaterThan(70)
    expect(last.value).toBeLessThan(82)
    expect(last.low).toBeLessThan(last.value)
    expect(last.high).toBeGreaterThan(last.value)
  })

  it('stays level on stationary noise over a long horizon, with the truth inside the band', () => {
    const noise = gaussian(32)
    const flat = series(10_000, () => 100 + 10 * noise())
    const result = forecast(flat, { horizonMinutes: 60 })
    const last = result.points[result.points.length - 1]!
    expect(Math.abs(last.value - 100)).toBeLessThan(5)
    expect(last.low).toBeLessThan(100)
    expect(last.high).toBeGreaterThan(100)
    expect(result.stepSeconds).toBe(120) // 60 min / 30 steps
  })

  it('uses given smoothing constants instead of fitting them', () => {
    const result = forecast(
      series(100, i => i),
      { horizonMinutes: 1, alpha: 0.4, beta: 0.2 },
    )
    expect(result.alpha).toBe(0.4)
    expect(result.beta).toBe(0.2)
  })

  it('rejects a horizon of 0 or less, a missing horizon, and too short a series', () => {
    const points = series(50, i => i)
    expect(() => forecast(points, { horizonMinutes: 0 })).toThrow(PerfConfigError)
    expect(() => forecast(points, { horizonMinutes: -5 })).toThrow(/horizonMinutes/)
    expect(() => forecast(points, {} as never)).toThrow(/horizonMinutes/)
    expect(() =>
      forecast(
        series(5, i => i),
        { horizonMinutes: 5 },
      ),
    ).toThrow(/at least 10/)
    expect(() => forecast([], { horizonMinutes: 5 })).toThrow(PerfConfigError)
  })
})

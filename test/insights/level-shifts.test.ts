import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { detectLevelShifts } from '../../src/insights/index.js'
import { gaussian, series } from './helpers.js'

describe('detectLevelShifts', () => {
  it('finds a 3σ step up within 6 samples and places it near the truth (20 seeds)', () => {
    const offsets: number[] = []
    for (let seed = 1; seed <= 20; seed++) {
      const noise = gaussian(seed)
      const points = series(300, i => 100 + (i >= 150 ? 30 : 0) + 10 * noise())
      const shift = detectLevelShifts(points, { metric: 'p95', unit: 'ms' }).find(
        s => Math.abs(s.t - 150) <= 20,
      )!
      expect(shift).toBeDefined()
      expect(shift.detectedAt! - 150).toBeLessThanOrEqual(6)
      expect(shift.detectedAt!).toBeGreaterThanOrEqual(shift.t)
      expect(shift.direction).toBe('up')
      expect(shift.before).toBeGreaterThan(95)
      expect(shift.before).toBeLessThan(106)
      expect(shift.after).toBeGreaterThan(124)
      expect(shift.after).toBeLessThan(136)
      expect(shift.description).toMatch(/^p95 stepped up from [\d.]+ ms to [\d.]+ ms at t=\d+ s/)
      offsets.push(Math.abs(shift.t - 150))
    }
    offsets.sort((a, b) => a - b)
    expect(offsets[9]!).toBeLessThanOrEqual(2) // the median placement error
    expect(offsets[17]!).toBeLessThanOrEqual(7) // nine in ten
  })

  it('finds a 2σ step down within 9 samples', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const noise = gaussian(100 + seed)
      const points = series(300, i => 500 - (i >= 120 ? 20 : 0) + 10 * noise())
      const shift = detectLevelShifts(points).find(s => Math.abs(s.t - 120) <= 20)!
      expect(shift.direction).toBe('down')
      expect(shift.detectedAt! - 120).toBeLessThanOrEqual(9)
    }
  })

  it('finds each step of a staircase in order', () => {
    const noise = gaussian(9)
    const points = series(600, i => 50 + 20 * Math.floor(i / 200) + 2 * noise())
    const shifts = detectLevelShifts(points)
    expect(shifts).toHaveLength(2)
    expect(Math.abs(shifts[0]!.t - 200)).toBeLessThanOrEqual(8)
    expect(Math.abs(shifts[1]!.t - 400)).toBeLessThanOrEqual(8)
    expect(Math.abs(shifts[1]!.before - 70)).toBeLessThan(2)
    expect(Math.abs(shifts[1]!.after - 90)).toBeLessThan(2)
  })

  it('raises few false shifts on 10,000 points of noise and none for lone spikes', () => {
    let falseShifts = 0
    for (const seed of [1, 2, 3]) {
      const noise = gaussian(seed)
      falseShifts += detectLevelShifts(series(10_000, () => 100 + 10 * noise())).length
    }
    expect(falseShifts).toBeLessThanOrEqual(6)

    const noise = gaussian(4)
    const spiky = series(400, i => (i % 40 === 39 ? 400 : 100 + 10 * noise()))
    expect(detectLevelShifts(spiky)).toEqual([])
  })

  it('handles a flat series and rejects empty or NaN input', () => {
    expect(detectLevelShifts(series(100, () => 5))).toEqual([])
    expect(detectLevelShifts(series(10, i => i))).toEqual([]) // shorter than the warm-up
    expect(() => detectLevelShifts([])).toThrow(PerfConfigError)
    expect(() => detectLevelShifts([{ t: 0, value: Number.POSITIVE_INFINITY }])).toThrow(/value/)
    expect(() =>
      detectLevelShifts(
        series(40, i => i),
        { threshold: 0 },
      ),
    ).toThrow(/threshold/)
  })
})

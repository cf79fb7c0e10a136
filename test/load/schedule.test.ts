import { describe, expect, it } from 'vitest'
import { ArrivalSchedule } from '../../src/load/schedule.js'

function all(schedule: ArrivalSchedule): number[] {
  const times: number[] = []
  for (let k = 0; ; k++) {
    const t = schedule.timeOf(k)
    if (t === null) return times
    times.push(t)
  }
}

describe('ArrivalSchedule', () => {
  it('spaces a constant rate evenly', () => {
    const schedule = new ArrivalSchedule(200, [])
    expect([0, 1, 2, 199, 200, 999].map(k => schedule.timeOf(k))).toEqual([
      0, 5, 10, 995, 1000, 4995,
    ])
  })

  it('ramps linearly: the arrivals up to t are the integral of the rate', () => {
    const times = all(
      new ArrivalSchedule(0, [
        { durationMs: 2000, target: 100 },
        { durationMs: 1000, target: 100 },
        { durationMs: 1000, target: 0 },
      ]),
    )
    // 0→100 over 2 s: 100; 1 s at 100: 100; 100→0 over 1 s: 50.
    expect(times.length).toBe(250)
    expect(times.filter(t => t < 1000).length).toBe(25)
    expect(times.filter(t => t < 2000).length).toBe(100)
    expect(times.filter(t => t >= 2000 && t < 3000).length).toBe(100)
    // Arrival k of the first ramp is due at sqrt(k / 25) s.
    expect(times[25]).toBeCloseTo(1000, 6)
    expect(times[64]).toBeCloseTo(1600, 6)
    expect(times.every((t, i) => i === 0 || t > (times[i - 1] as number))).toBe(true)
  })

  it('starts a ramp from rate and reports the rate at any time', () => {
    const schedule = new ArrivalSchedule(50, [{ durationMs: 1000, target: 150 }])
    expect(all(schedule).length).toBe(100)
    expect(schedule.rateAt(500)).toBe(100)
    expect(schedule.rateAt(5000)).toBe(0)
  })
})

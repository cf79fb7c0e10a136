import { describe, expect, it } from 'vitest'
import {
  SATURATION_DELAY_P99_MS,
  SATURATION_UTILIZATION,
  saturationReason,
} from '../../src/host/index.js'

const quiet = { delayP50Ms: 0.2, delayP99Ms: 1.5, delayMaxMs: 12, utilization: 0.4 }

describe('the saturation rule', () => {
  it('has the documented limits: 90% busy, 20 ms loop delay p99', () => {
    expect(SATURATION_UTILIZATION).toBe(0.9)
    expect(SATURATION_DELAY_P99_MS).toBe(20)
  })

  it('leaves a generator with idle time and small delays alone, even after one long stall', () => {
    expect(saturationReason(quiet)).toBeNull()
    expect(
      saturationReason({ ...quiet, utilization: 0.9, delayP99Ms: 20, delayMaxMs: 250 }),
    ).toBeNull()
  })

  it('says a loop busy above 90% queued requests in the generator', () => {
    const reason = saturationReason({ ...quiet, utilization: 0.97 })
    expect(reason).toMatch(
      /^The load generator was saturated: its event loop was busy 97% of the time \(limit 90%\)/,
    )
    expect(reason).toContain('requests waited in its own queue')
  })

  it('blames the machine when the loop ran late while mostly idle', () => {
    const reason = saturationReason({ ...quiet, delayP99Ms: 42.8, utilization: 0.04 })
    expect(reason).toContain(
      'its event-loop delay p99 was 42.8 ms (limit 20 ms) although its loop was busy only 4%',
    )
    expect(reason).toContain('the process was waiting for a CPU')
  })

  it('blames synchronous work in the generator when the loop was busy and late', () => {
    const reason = saturationReason({ ...quiet, delayP99Ms: 35, utilization: 0.7 })
    expect(reason).toContain('35.0 ms (limit 20 ms): long synchronous work')
    const both = saturationReason({ ...quiet, delayP99Ms: 35, utilization: 0.95 })
    expect(both).toContain('busy 95% of the time')
    expect(both).toContain('; and its event-loop delay p99 was 35.0 ms (limit 20 ms).')
  })
})

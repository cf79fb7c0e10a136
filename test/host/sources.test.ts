import { describe, expect, it } from 'vitest'
import { recordHost } from '../../src/host/index.js'
import { busyPercent, readProcess } from '../../src/host/proc.js'
import { parseVmStat } from '../../src/host/sources.js'

describe('macOS memory from vm_stat', () => {
  it('counts active, wired and compressed pages at the printed page size', () => {
    const text = [
      'Mach Virtual Memory Statistics: (page size of 16384 bytes)',
      'Pages free:                               10000.',
      'Pages active:                            200000.',
      'Pages inactive:                          150000.',
      'Pages speculative:                         5000.',
      'Pages wired down:                         80000.',
      'Pages purgeable:                           3000.',
      'Pages occupied by compressor:             20000.',
    ].join('\n')
    expect(parseVmStat(text)).toBe((200_000 + 80_000 + 20_000) * 16_384)
    expect(() => parseVmStat('Pages active: 5.')).toThrow(/page size/)
  })
})

describe('/proc readers', () => {
  it('computes busy percent from tick deltas, null when no time passed', () => {
    expect(busyPercent({ busy: 100, total: 1000 }, { busy: 150, total: 1100 })).toBe(50)
    expect(busyPercent({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBeNull()
  })

  it('reads this process and calls a missing one gone', async () => {
    const self = await readProcess(process.pid)
    expect(self?.rssBytes).toBeGreaterThan(process.memoryUsage().rss * 0.5)
    expect(self?.ticks).toBeGreaterThan(0)
    expect(await readProcess(2 ** 22 + 11)).toBeNull()
  })
})

describe('a very short recording', () => {
  it('still has one sample with CPU ticks to read', async () => {
    const summary = await recordHost({ intervalMs: 1000 }).stop()
    expect(summary.sampleCount).toBe(1)
    expect(summary.samples[0]?.cpu).toEqual(expect.any(Number))
    expect(summary.unavailable).toEqual([])
  })
})

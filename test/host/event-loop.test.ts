import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { EventLoopWatch } from '../../src/host/event-loop.js'

describe('EventLoopWatch', () => {
  it('puts a stall that starts right after an interval began into that interval', async () => {
    const watch = new EventLoopWatch()
    try {
      await sleep(50)
      watch.take()
      // Blocks before the monitor's timer fires again after the reset inside take().
      busyWait(200)
      await sleep(30)
      const interval = watch.take()
      expect(interval.delayMaxMs).toBeGreaterThanOrEqual(150)
      expect(watch.whole().delayMaxMs).toBeGreaterThanOrEqual(150)
      expect(interval.utilization).toBeGreaterThan(0.5)
    } finally {
      watch.stop()
    }
  })

  it('reads an idle loop as about zero delay, not the monitor resolution', async () => {
    const watch = new EventLoopWatch()
    try {
      await sleep(300)
      const interval = watch.take()
      expect(interval.delayP50Ms).toBeLessThan(5)
      expect(interval.utilization).toBeLessThan(0.5)
    } finally {
      watch.stop()
    }
  })
})

function busyWait(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin: the point is to block the event loop
  }
}

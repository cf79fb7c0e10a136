import { median } from 'simple-statistics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { advise } from '../../src/insights/index.js'
import { runLoad } from '../../src/load/index.js'
import type { LoadResult } from '../../src/types.js'
import { startServer, type TestServer } from '../support/servers.js'

// A real stress ramp: the engine's open model ramps the arrival rate from 10 to 200 req/s
// over 12 s against a loopback service that answers one request at a time, 10 ms each (a
// capacity near 90 req/s, lower when the machine is busy: the test measures it from the run
// rather than assuming it). Past capacity a queue builds and latency climbs. About 14 s.
// The timeout rule is proven on synthetic timelines (advice.test.ts): when timeouts begin
// in a real ramp depends too much on how busy the machine is.
describe('advice on a real stress ramp', () => {
  let service: TestServer
  let result: LoadResult

  beforeAll(async () => {
    const queue: Array<() => void> = []
    let busy = false
    const next = () => {
      const job = queue.shift()
      busy = job !== undefined
      if (job) {
        setTimeout(() => {
          job()
          next()
        }, 10)
      }
    }
    service = await startServer((_req, res) => {
      queue.push(() => {
        if (res.destroyed) return
        res.writeHead(200, { 'content-length': 2 })
        res.end('ok')
      })
      if (!busy) next()
    })
    result = await runLoad({
      url: `${service.url}/`,
      rate: 10,
      stages: [{ duration: '12s', target: 200 }],
      maxInFlight: 2000,
      timeout: '6s',
    })
  }, 40_000)

  afterAll(async () => {
    await service?.close()
  })

  it('places the latency knee near the capacity the run itself measured', () => {
    // Capacity: the completion rate once saturated (the last third of the run, seconds
    // without errors, whose bursts are not service capacity).
    const last = result.timeline
      .slice(Math.floor((2 * result.timeline.length) / 3))
      .filter(e => e.errors === 0 && e.rps > 0)
    expect(last.length).toBeGreaterThanOrEqual(2)
    const capacity = median(last.map(e => e.rps))
    const knee = advise(result).find(a => a.rule === 'latency-knee')
    expect(knee, JSON.stringify(result.timeline)).toBeDefined()
    const rate = knee!.evidence.kneeRps as number
    // Latency climbs once arrivals pass capacity. The ramp spans 10 to 200 req/s; the knee
    // must land near the capacity (measured 0.8 to 1.3 times it on a busy 2-core machine).
    expect(rate).toBeGreaterThan(0.7 * capacity)
    expect(rate).toBeLessThan(1.4 * capacity)
    expect(knee!.evidence.p95AtMaxMs as number).toBeGreaterThan(
      3 * (knee!.evidence.p95AtKneeMs as number),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/load/index.js'
import { mergeResults } from '../../src/stats/index.js'
import { failure } from '../support/assertions.js'
import { startSilentServer } from '../support/servers.js'

// A service that answers nothing within the run: no request completes (the timeout is longer
// than the run), so `total` is 0. Its success rate must be 0, not the 100 of an empty run, or
// a success-rate objective would pass against a dead service.
describe('a run in which nothing completed', () => {
  it('open model: requests cut off unanswered give a 0% success rate', async () => {
    const server = await startSilentServer()
    try {
      const result = await runLoad({ url: server.url, rate: 10, duration: 1000, timeout: '10s' })
      expect(result.requests.total).toBe(0)
      expect(result.requests.interrupted).toBeGreaterThan(0)
      expect(result.successRate).toBe(0)
      expect(failure(() => expect(result).toHaveSuccessRate(99))).toMatch(
        /expected success rate ≥ 99%, measured 0%/,
      )
      expect(mergeResults(result, result).successRate).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('closed model: the same', async () => {
    const server = await startSilentServer()
    try {
      const result = await runLoad({ url: server.url, connections: 2, duration: 800 })
      expect(result.requests.total).toBe(0)
      expect(result.successRate).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('open model: arrivals all dropped at the in-flight cap give a 0% success rate', async () => {
    const server = await startSilentServer()
    try {
      const result = await runLoad({ url: server.url, rate: 50, duration: 1000, maxInFlight: 2 })
      expect(result.requests.total).toBe(0)
      expect(result.requests.dropped).toBeGreaterThan(0)
      expect(result.successRate).toBe(0)
    } finally {
      await server.close()
    }
  })
})

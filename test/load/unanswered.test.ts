import { describe, expect, it } from 'vitest'
import { summaryLine } from '../../src/harness/index.js'
import { runLoad } from '../../src/load/index.js'
import { mergeResults } from '../../src/stats/index.js'
import { failure } from '../support/assertions.js'
import { closedPort, startSilentServer } from '../support/servers.js'

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

// Requests that end without a response (refused, timed out) are counted, but they measured no
// latency and served nothing: latency and throughput objectives must fail, not pass on zeros.
describe('a run in which every request failed without a response', () => {
  it('a closed port: no throughput, and latency objectives cannot be met', async () => {
    const port = await closedPort()
    const result = await runLoad({ url: `${port.url}/x`, connections: 2, duration: 500 })

    expect(result.requests.total).toBeGreaterThan(0)
    expect(result.requests.failed).toBe(result.requests.total)
    expect(result.errors.ECONNREFUSED).toBe(result.requests.total)
    expect(result.throughputRps).toBe(0)
    expect(failure(() => expect(result).toMeetP99(10))).toMatch(
      /no request got a response \(no latency; [\d,]+ requests, 0% succeeded\)/,
    )
    expect(summaryLine(result)).toMatch(/, no response, so no latency, 0% succeeded/)
    expect(failure(() => expect(result).toSustainThroughput(100))).toMatch(/measured 0 req\/s/)
    expect(failure(() => expect(result).toMeetObjectives({ p95: 50 }))).toMatch(/p95/)
  })

  it('a route that never answers within the timeout: the same', async () => {
    const server = await startSilentServer()
    try {
      const result = await runLoad({
        url: server.url,
        connections: 2,
        duration: 900,
        timeout: '300ms',
      })
      expect(result.errors.timeout).toBeGreaterThan(0)
      expect(result.throughputRps).toBe(0)
      expect(failure(() => expect(result).toMeetP95(50))).toMatch(/no request got a response/)
    } finally {
      await server.close()
    }
  })
})

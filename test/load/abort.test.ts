// Tests that judge timing get `retry: 2`: on a busy 2-core machine a run can be starved of CPU
// (the test server shares the process), and a retry separates that from a real fault.
import { describe, expect, it } from 'vitest'
import { runLoad } from '../../src/load/index.js'
import { decodeHistogram } from '../../src/stats/index.js'
import { startDelayServer, startServer, startSilentServer } from '../support/servers.js'

describe('stopping early', () => {
  it('an abort signal mid-run returns the partial result, marked aborted', async () => {
    const server = await startDelayServer(5)
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 1200)
      const started = performance.now()
      const result = await runLoad({
        url: server.url,
        duration: '20s',
        connections: 2,
        signal: controller.signal,
      })
      const elapsed = performance.now() - started

      expect(elapsed).toBeLessThan(3000)
      expect(result.aborted).toBe(true)
      expect(result.stopReason).toBe('aborted by signal')
      expect(result.durationMs).toBeGreaterThan(1100)
      expect(result.durationMs).toBeLessThan(2500)
      // What was measured before the abort is all there.
      expect(result.requests.total).toBeGreaterThan(50)
      expect(decodeHistogram(result.histogram).totalCount).toBe(result.requests.total)
      expect(result.timeline.reduce((sum, entry) => sum + entry.rps, 0)).toBe(result.requests.total)
      expect(result.timeline.length).toBe(2)
    } finally {
      await server.close()
    }
  })

  it('counts requests cut off by the abort as interrupted, apart from total', async () => {
    const server = await startSilentServer()
    try {
      const closed = await runLoad({
        url: server.url,
        connections: 3,
        duration: '20s',
        signal: AbortSignal.timeout(400),
      })
      expect(closed.requests).toEqual({
        total: 0,
        succeeded: 0,
        failed: 0,
        dropped: 0,
        interrupted: 3,
      })

      // Open model, two connections: the rest of the arrivals wait for one and are cut off too.
      const open = await runLoad({
        url: server.url,
        rate: 100,
        connections: 2,
        duration: '20s',
        signal: AbortSignal.timeout(500),
      })
      expect(open.requests.total).toBe(0)
      expect(open.requests.interrupted).toBeGreaterThan(30)
      expect(open.requests.interrupted).toBeLessThanOrEqual(100)
    } finally {
      await server.close()
    }
  })

  it('an already aborted signal returns an empty result at once, with the reason', async () => {
    const result = await runLoad({
      url: 'http://127.0.0.1:9/',
      signal: AbortSignal.abort(new Error('user pressed stop')),
    })
    expect(result.aborted).toBe(true)
    expect(result.stopReason).toBe('aborted: user pressed stop')
    expect(result.requests.total).toBe(0)
    expect(result.successRate).toBe(100)
  })

  it('abortOnFail stops when objectives fail over the rolling window', { retry: 2 }, async () => {
    // Fast for the first 2.5 s, then every response takes 60 ms. The objective is on the
    // median, which a few slow first requests (connections opening on a busy machine) do not
    // move; judging starts after 2 s.
    const started = performance.now()
    const server = await startServer((_req, res) => {
      const slow = performance.now() - started > 2500
      setTimeout(() => res.end('ok'), slow ? 60 : 0)
    })
    try {
      const result = await runLoad({
        url: server.url,
        rate: 50,
        duration: '20s',
        objectives: { p50: 30 },
        abortOnFail: { after: '2s', window: '1s' },
      })
      expect(result.aborted).toBe(true)
      expect(result.stopReason).toMatch(
        /^objectives failed over the last 1 s: p50 \d+(\.\d+)? ms \(objective <= 30\)/,
      )
      expect(result.durationMs).toBeGreaterThan(2500)
      expect(result.durationMs).toBeLessThan(8000)
      expect(result.requests.total).toBeGreaterThan(100)
    } finally {
      await server.close()
    }
  })

  it('abortOnFail lets a run that meets its objectives finish', { retry: 2 }, async () => {
    const server = await startDelayServer(0)
    try {
      const result = await runLoad({
        url: server.url,
        rate: 50,
        duration: '2500ms',
        objectives: ['p(95) < 500', 'successRate >= 99'],
        abortOnFail: { after: 0, window: '1s' },
      })
      expect(result.aborted).toBe(false)
      expect(result.stopReason).toBeNull()
    } finally {
      await server.close()
    }
  })
})

// Tests that judge timing get `retry: 2`: on a busy 2-core machine a run can be starved of CPU
// (the test server shares the process), and a retry separates that from a real fault.
import { errors } from 'undici'
import { describe, expect, it } from 'vitest'
import { createLogger, logger, setLogger } from '../../src/config/logger.js'
import { classifyError, RequestTimeoutError } from '../../src/load/classify.js'
import { runLoad } from '../../src/load/index.js'
import {
  closedPort,
  startResetServer,
  startServer,
  startSilentServer,
  startStatusServer,
} from '../support/servers.js'

describe('a misbehaving target is counted, never thrown, and the run ends on time', () => {
  it('refused connections count as ECONNREFUSED', async () => {
    const port = await closedPort()
    const started = performance.now()
    const result = await runLoad({ url: port.url, duration: 1000, connections: 2 })
    const elapsed = performance.now() - started
    expect(result.requests.total).toBeGreaterThan(0)
    expect(result.errors).toEqual({ ECONNREFUSED: result.requests.total })
    expect(result.successRate).toBe(0)
    expect(elapsed).toBeLessThan(3000)
  })

  it('reset connections count as ECONNRESET', async () => {
    const server = await startResetServer()
    try {
      const result = await runLoad({ url: server.url, duration: 1000, connections: 2 })
      expect(result.requests.total).toBeGreaterThan(0)
      expect(result.errors).toEqual({ ECONNRESET: result.requests.total })
    } finally {
      await server.close()
    }
  })

  it('500s count under status_500 and in statusCodes', async () => {
    const server = await startStatusServer(500)
    try {
      const result = await runLoad({ url: server.url, iterations: 50, connections: 2 })
      expect(result.requests).toEqual({ total: 50, succeeded: 0, failed: 50, dropped: 0 })
      expect(result.errors).toEqual({ status_500: 50 })
      expect(result.statusCodes).toEqual({ '500': 50 })
      // A failed response still has a latency.
      expect(result.latencyMs.max).toBeGreaterThan(0)
    } finally {
      await server.close()
    }
  })

  it('a server that never answers: each request times out after `timeout`, the run ends on time', {
    retry: 2,
  }, async () => {
    const server = await startSilentServer()
    try {
      const started = performance.now()
      const result = await runLoad({
        url: server.url,
        duration: 1300,
        timeout: 400,
        connections: 3,
      })
      const elapsed = performance.now() - started
      // Three connections, a 400 ms limit (found by a sweep every 40 ms): rounds sent at about
      // 0, 0.4, 0.8 and 1.2 s; the last round, in flight when the duration ends, is waited for.
      expect(result.errors.timeout).toBeGreaterThanOrEqual(9)
      expect(result.errors.timeout).toBeLessThanOrEqual(12)
      expect(result.requests.total).toBe(result.errors.timeout)
      expect(Object.keys(result.errors)).toEqual(['timeout'])
      expect(elapsed).toBeLessThan(2500)
    } finally {
      await server.close()
    }
  })

  it('a timeout with iterations does not hang the run', async () => {
    const server = await startSilentServer()
    try {
      const result = await runLoad({ url: server.url, iterations: 2, timeout: 200, connections: 2 })
      expect(result.requests).toEqual({ total: 2, succeeded: 0, failed: 2, dropped: 0 })
      expect(result.errors).toEqual({ timeout: 2 })
    } finally {
      await server.close()
    }
  })

  it("a reply that is not HTTP counts as invalid_response, and undici's message is logged once", async () => {
    // Another protocol on the port: an SSH banner instead of a status line.
    const server = await startServer(req => req.socket.end('SSH-2.0-OpenSSH_9.6\r\n'))
    const previous = logger()
    const lines: string[] = []
    setLogger(createLogger('warn', line => lines.push(line)))
    try {
      const result = await runLoad({ url: server.url, iterations: 5, connections: 1 })
      expect(result.errors).toEqual({ invalid_response: 5 })
      expect(lines).toEqual([
        '[vitest-perf] warn requests failed as invalid_response {"message":"Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)"}',
      ])
    } finally {
      setLogger(previous)
      await server.close()
    }
  })

  it('the open model counts the same kinds', { retry: 2 }, async () => {
    const port = await closedPort()
    const result = await runLoad({ url: port.url, rate: 100, duration: 1000 })
    expect(result.requests.total).toBeGreaterThan(50)
    expect(result.errors).toEqual({ ECONNREFUSED: result.requests.total })
  })

  it('classifies DNS failures, undici timeouts and socket closes by code', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code })
    expect(classifyError(coded('ENOTFOUND'))).toBe('dns')
    expect(classifyError(coded('EAI_AGAIN'))).toBe('dns')
    expect(classifyError(coded('UND_ERR_HEADERS_TIMEOUT'))).toBe('timeout')
    expect(classifyError(coded('UND_ERR_CONNECT_TIMEOUT'))).toBe('timeout')
    expect(classifyError(coded('UND_ERR_SOCKET'))).toBe('ECONNRESET')
    expect(classifyError(new RequestTimeoutError(10))).toBe('timeout')
    expect(classifyError(Object.assign(new Error('x'), { cause: coded('ECONNREFUSED') }))).toBe(
      'ECONNREFUSED',
    )
    expect(classifyError(coded('EHOSTUNREACH'))).toBe('EHOSTUNREACH')
    expect(classifyError(new errors.HTTPParserError('Response does not match', undefined))).toBe(
      'invalid_response',
    )
    expect(classifyError(new Error('plain'))).toBe('other')
  })
})

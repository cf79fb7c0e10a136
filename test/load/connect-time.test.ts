// Raw latency runs from the request's write on a connected socket, as wrk and autocannon
// measure it: a slow handshake is not the service's time. A loopback handshake is too fast to
// tell apart, so undici's Client is replaced by one whose connection takes CONNECT_MS to open.

import { describe, expect, it, vi } from 'vitest'
import { runLoad } from '../../src/load/index.js'

const CONNECT_MS = 150
const RESPONSE_MS = 10

vi.mock('undici', () => {
  interface Handler {
    onConnect(abort: (error?: Error) => void): void
    onHeaders(status: number, headers: Buffer[], resume: () => void, text: string): boolean
    onData(chunk: Buffer): boolean
    onComplete(trailers: unknown): void
    onError(error: Error): void
  }

  /** One socket that needs CONNECT_MS to connect, then answers each request after RESPONSE_MS. */
  class SlowHandshakeClient {
    private connected: Promise<void> | null = null
    private readonly timers = new Set<NodeJS.Timeout>()
    private readonly pending = new Set<Handler>()

    dispatch(_options: unknown, handler: Handler): boolean {
      this.pending.add(handler)
      this.connected ??= this.after(CONNECT_MS)
      this.connected
        .then(() => {
          handler.onConnect(() => {})
          return this.after(RESPONSE_MS)
        })
        .then(() => {
          this.pending.delete(handler)
          handler.onHeaders(200, [], () => {}, 'OK')
          handler.onData(Buffer.from('ok'))
          handler.onComplete([])
        })
        .catch(() => {})
      return true
    }

    async destroy(error?: Error): Promise<void> {
      for (const timer of this.timers) clearTimeout(timer)
      for (const handler of this.pending) handler.onError(error ?? new Error('destroyed'))
      this.pending.clear()
    }

    private after(ms: number): Promise<void> {
      return new Promise(resolve => {
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          resolve()
        }, ms)
        this.timers.add(timer)
      })
    }
  }
  return { Client: SlowHandshakeClient }
})

describe('connection set-up and latency', () => {
  it('leaves a slow handshake out of raw latency', async () => {
    const result = await runLoad({ url: 'http://127.0.0.1:9/', connections: 2, iterations: 4 })

    expect(result.requests).toMatchObject({ total: 4, succeeded: 4, failed: 0 })
    // Every request took RESPONSE_MS after its write; the first on each connection also waited
    // CONNECT_MS for the handshake, which must not be in its latency.
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(RESPONSE_MS - 1)
    expect(result.latencyMs.max).toBeLessThan(CONNECT_MS)
  })

  it('still counts the handshake against the request timeout', async () => {
    const result = await runLoad({
      url: 'http://127.0.0.1:9/',
      connections: 1,
      iterations: 1,
      timeout: CONNECT_MS / 3,
    })

    expect(result.requests).toMatchObject({ total: 1, succeeded: 0, failed: 1 })
    expect(result.errors).toEqual({ timeout: 1 })
  })
})

import { Client } from 'undici'
import type { ExchangeOwner } from './exchange.js'
import { Exchange } from './exchange.js'

/** How connections are opened. */
export interface ConnectionOptions {
  origin: string
  /** Requests outstanding on the connection at once. */
  pipelining: number
  /** Time allowed to establish the connection, ms. */
  connectTimeoutMs: number
}

/**
 * One keep-alive connection: an undici `Client` (which holds a single socket) and its request
 * slots, one per pipelined request. A `Client` per connection, each driven by its own slots,
 * measured faster than a `Pool` dispatching to the same sockets.
 */
export class Connection {
  client: Client
  readonly exchanges: Exchange[]
  private readonly options: ConnectionOptions
  private closed = false

  constructor(options: ConnectionOptions, owner: ExchangeOwner) {
    this.options = options
    this.client = this.open()
    this.exchanges = Array.from({ length: options.pipelining }, () => new Exchange(this, owner))
  }

  /** Whether a request on this connection has been out longer than `limitMs`. */
  overdue(now: number, limitMs: number): boolean {
    for (const exchange of this.exchanges) {
      if (exchange.active && now - exchange.sent > limitMs) return true
    }
    return false
  }

  /**
   * Ends the socket with `error` (each request on it fails with that error) and opens a new
   * client for the requests that follow. Used for timeouts: undici cannot cancel a single
   * request on an HTTP/1.1 socket without closing it anyway.
   */
  reset(error: Error) {
    if (this.closed) return
    const old = this.client
    this.client = this.open()
    old.destroy(error).catch(() => {})
  }

  /** Closes the connection at once; requests still out fail (and the engine ignores them). */
  async destroy(): Promise<void> {
    this.closed = true
    await this.client.destroy().catch(() => {})
  }

  private open(): Client {
    return new Client(this.options.origin, {
      pipelining: this.options.pipelining,
      connectTimeout: this.options.connectTimeoutMs,
      keepAliveTimeout: 30_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    })
  }
}

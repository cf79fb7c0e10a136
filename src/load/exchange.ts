import type { BodySource } from './check.js'
import { ResponseView, runCheck } from './check.js'
import type { Connection } from './connection.js'
import type { PreparedRequest } from './request.js'
import type { Check } from './types.js'

/** What an exchange reports to: the running model. */
export interface ExchangeOwner {
  readonly check: Check | null
  readonly expectStatus: (status: number) => boolean
  /** The response ended; `now` is `performance.now()` at its end. */
  completed(exchange: Exchange, now: number): void
  /** The request failed without a complete response. */
  failed(exchange: Exchange, error: Error, now: number): void
}

const TOO_LATE =
  'the response body was already streaming: call text(), json() or bytes() before awaiting anything else in the check'

/**
 * One request slot on a connection, reused for every request the slot sends so the hot path
 * allocates nothing of its own. It is an undici dispatch handler in the raw-header form, which
 * skips parsing headers into an object unless a check reads them.
 */
export class Exchange implements BodySource {
  readonly connection: Connection
  private readonly owner: ExchangeOwner

  request: PreparedRequest | null = null
  /** When the request was due: its scheduled arrival (open model) or its send (closed), ms. */
  scheduled = 0
  /** When the engine handed it to the connection, ms (`performance.now()`); timeouts run from it. */
  sent = 0
  /**
   * When its first byte went out on an open socket, ms: `sent` plus any connection set-up.
   * Raw latency runs from it, so a new connection's handshake is not read as the service's time.
   */
  written = 0
  /** Whether it counts: it was due after warm-up ended. */
  measured = false
  active = false
  status = 0
  bytes = 0
  /** The check's verdict, or a promise of it. */
  verdict: boolean | Promise<boolean> = true

  private body: Buffer[] | null = null
  private bodyPromise: Promise<Buffer> | null = null
  private bodyResolve: ((body: Buffer) => void) | null = null
  private bodyReject: ((error: Error) => void) | null = null

  constructor(connection: Connection, owner: ExchangeOwner) {
    this.connection = connection
    this.owner = owner
  }

  /** Sends `request`, due at `scheduled`, at `now`. */
  send(request: PreparedRequest, scheduled: number, now: number, measured: boolean) {
    this.request = request
    this.scheduled = scheduled
    this.sent = now
    this.written = now
    this.measured = measured
    this.active = true
    this.status = 0
    this.bytes = 0
    this.verdict = true
    if (this.bodyPromise !== null) this.clearBody()

    this.connection.client.dispatch(request.dispatch, this)
  }

  // undici calls this as it writes the request, once the socket is connected.
  onConnect(_abort: (error?: Error) => void) {
    this.written = performance.now()
  }

  onHeaders(status: number, rawHeaders: Buffer[], _resume: () => void, _text: string): boolean {
    // 1xx informational responses come before the real one.
    if (status < 200) return true
    this.status = status
    const check = this.owner.check
    if (check !== null && this.owner.expectStatus(status)) {
      this.verdict = runCheck(check, new ResponseView(status, rawHeaders, this))
    }
    return true
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length
    if (this.body !== null) this.body.push(chunk)
    return true
  }

  onComplete(_trailers: unknown) {
    const now = performance.now()
    this.active = false
    if (this.bodyResolve !== null) this.bodyResolve(Buffer.concat(this.body as Buffer[]))
    this.owner.completed(this, now)
  }

  onError(error: Error) {
    const now = performance.now()
    this.active = false
    if (this.bodyReject !== null) this.bodyReject(error)
    // The next request must not be dispatched from inside undici's error path: an error
    // raised by dispatch itself would recurse without end, and undici asserts that a client
    // whose connect failed has no requests queued when it finishes failing them.
    setImmediate(() => this.owner.failed(this, error, now))
  }

  /** For a check: buffer this response's body and resolve with it at the end. */
  requestBody(): Promise<Buffer> {
    if (this.bodyPromise !== null) return this.bodyPromise
    if (this.bytes > 0 || !this.active) return Promise.reject(new Error(TOO_LATE))

    this.body = []
    this.bodyPromise = new Promise<Buffer>((resolve, reject) => {
      this.bodyResolve = resolve
      this.bodyReject = reject
    })
    // A check that asks for the body but never awaits it must not cause an unhandled rejection.
    this.bodyPromise.catch(() => {})
    return this.bodyPromise
  }

  private clearBody() {
    this.body = null
    this.bodyPromise = null
    this.bodyResolve = null
    this.bodyReject = null
  }
}

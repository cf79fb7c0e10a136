import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import { Agent, request } from 'undici'
import { logger } from '../../config/logger.js'
import { invalidOption } from '../../errors.js'
import { MAX_TIMER_MS } from '../alerts/limits.js'
import type { AlertNotification } from '../alerts/types.js'
import { SEVERITIES } from '../alerts/types.js'
import type { AlertSeverity } from '../types.js'
import { describeTarget, redactor } from './redact.js'
import type { Notifier, NotifierKind, NotifierOptions, NotifierStatus } from './types.js'

/** One HTTP request a notifier makes for one event. */
export interface OutgoingRequest {
  /** Absolute URL (a secret for Slack; never logged). */
  url: string
  /** Sent as JSON. */
  body: unknown
  /** Extra headers (values may be secrets; never logged). */
  headers?: Record<string, string>
}

/** What a concrete notifier gives the queue: how to turn an event into a request. */
export interface DeliverySpec {
  kind: NotifierKind
  /** Where requests go: only its scheme, host and port are ever shown. */
  url: string
  /** Strings that must never appear in a log line, an error or the status. */
  secrets: readonly (string | undefined)[]
  build(event: AlertNotification): OutgoingRequest
}

/** Defaults of `NotifierOptions`, in one place. */
export const NOTIFIER_DEFAULTS = {
  minSeverity: 'low' as AlertSeverity,
  timeoutMs: 5000,
  retries: 3,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 60_000,
  queueSize: 100,
}

type Outcome = { ok: true } | { ok: false; retry: boolean; delayMs?: number; error: string }

/**
 * A notifier that queues events and sends them one at a time in the background, the most
 * severe waiting event first and in arrival order within a severity: a receiver that is slow
 * to fail holds each event for up to `timeoutMs` × (`retries` + 1) plus the backoff, and a
 * page must not wait behind every warning queued before it. Each attempt has a timeout; 429,
 * 5xx, timeouts and network errors are retried with exponential backoff and jitter (a 429's
 * `Retry-After` is honoured up to `maxRetryAfterMs`); other 4xx are not retried, because the
 * same request would be refused again. The queue is bounded and, when full, drops the oldest
 * of its least severe events, so a receiver that is down cannot grow memory or delay
 * sampling. Secrets live in private fields and pass through a redactor before any text
 * leaves this class.
 */
export class QueuedNotifier implements Notifier {
  readonly name: string
  readonly kind: NotifierKind
  readonly #spec: DeliverySpec
  readonly #options: Required<Omit<NotifierOptions, 'name'>>
  readonly #redact: (text: string) => string
  /** Made on the first send, so building a notifier opens nothing (the option checks build
   * one and drop it). */
  #agent: Agent | undefined
  readonly #stop = new AbortController()
  readonly #queue: AlertNotification[] = []
  #running: Promise<void> | undefined
  #closed = false
  readonly #status: Omit<NotifierStatus, 'queued' | 'name' | 'kind'>

  constructor(spec: DeliverySpec, options: NotifierOptions = {}) {
    this.#options = validateOptions(options)
    this.#spec = spec
    this.kind = spec.kind
    this.name = options.name ?? spec.kind
    this.#redact = redactor(spec.secrets)
    this.#status = {
      target: describeTarget(spec.url),
      sent: 0,
      failures: 0,
      retries: 0,
      dropped: 0,
      lastError: null,
      lastErrorAt: null,
      failingSince: null,
      lastSuccessAt: null,
    }
  }

  notify(event: AlertNotification): void {
    if (this.#closed) return
    const worst = SEVERITIES.indexOf(this.#options.minSeverity)
    if (SEVERITIES.indexOf(event.alert.severity) > worst) return

    if (this.#queue.length >= this.#options.queueSize) {
      const least = leastSevere(this.#queue)
      const keep = rankOf(event) <= rankOf(this.#queue[least]!)
      if (keep) this.#queue.splice(least, 1)
      this.#status.dropped += 1
      logger().warn('notifier queue full; dropped the oldest of its least severe alert events', {
        notifier: this.name,
      })
      if (!keep) return
    }
    this.#queue.push(event)
    this.#kick()
  }

  status(): NotifierStatus {
    return { name: this.name, kind: this.kind, queued: this.#queue.length, ...this.#status }
  }

  async flush(): Promise<void> {
    while (this.#running) await this.#running
  }

  async close(timeoutMs = 5000): Promise<void> {
    this.#closed = true
    const timer = setTimeout(() => this.#stop.abort(), timeoutMs)
    try {
      await this.flush()
    } finally {
      clearTimeout(timer)
      this.#status.dropped += this.#queue.splice(0).length
      await this.#agent?.close().catch(() => undefined)
    }
  }

  /** Starts the background sender unless it runs; restarts it if an event slipped in late. */
  #kick(): void {
    if (this.#running) return
    this.#running = this.#drain().finally(() => {
      this.#running = undefined
      if (this.#queue.length > 0 && !this.#stop.signal.aborted) this.#kick()
    })
  }

  /** Sends queued events, worst first, until the queue is empty or the notifier is stopped. */
  async #drain(): Promise<void> {
    for (let event = this.#next(); event; event = this.#next()) {
      if (this.#stop.signal.aborted) {
        this.#status.dropped += 1
        continue
      }
      await this.#deliver(event)
    }
  }

  /**
   * Takes the first waiting event of the worst severity. Every event of one alert has the
   * alert's severity (the rule's, fixed), so they are taken in arrival order among themselves:
   * a resolve never goes out before the fire it follows.
   */
  #next(): AlertNotification | undefined {
    if (this.#queue.length === 0) return undefined
    return this.#queue.splice(
      firstWhere(this.#queue, (a, b) => rankOf(a) < rankOf(b)),
      1,
    )[0]
  }

  /** One event: the first attempt plus up to `retries` more. */
  async #deliver(event: AlertNotification): Promise<void> {
    let outgoing: OutgoingRequest
    try {
      outgoing = this.#spec.build(event)
    } catch (error) {
      this.#fail(`could not build the request: ${message(error)}`, event)
      return
    }

    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.#attempt(outgoing)
      if (outcome.ok) {
        this.#status.sent += 1
        this.#status.lastSuccessAt = new Date().toISOString()
        this.#status.lastError = null
        this.#status.failingSince = null
        return
      }

      const error = this.#redact(outcome.error)
      if (!outcome.retry || attempt >= this.#options.retries || this.#stop.signal.aborted) {
        this.#fail(error, event)
        return
      }
      this.#status.retries += 1
      this.#note(error)
      const delayMs = outcome.delayMs ?? this.#backoff(attempt)
      logger().debug('notifier attempt failed; retrying', {
        notifier: this.name,
        attempt: attempt + 1,
        delayMs: Math.round(delayMs),
        error,
      })
      try {
        await sleep(delayMs, undefined, { signal: this.#stop.signal })
      } catch {
        this.#fail(`${error}; gave up: notifier closed`, event)
        return
      }
    }
  }

  async #attempt(outgoing: OutgoingRequest): Promise<Outcome> {
    const { timeoutMs } = this.#options
    this.#agent ??= new Agent({ connect: { timeout: timeoutMs } })
    try {
      const response = await request(outgoing.url, {
        method: 'POST',
        dispatcher: this.#agent as Dispatcher,
        headers: { 'content-type': 'application/json', ...outgoing.headers },
        body: JSON.stringify(outgoing.body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#stop.signal]),
      })
      const status = response.statusCode
      if (status >= 200 && status < 300) {
        await response.body.dump()
        return { ok: true }
      }

      const text = await snippet(response.body, 200)
      const error = `HTTP ${status}${text ? `: ${text}` : ''}`
      if (status === 429) {
        const retryAfter = parseRetryAfter(response.headers['retry-after'])
        const delayMs =
          retryAfter === undefined ? undefined : Math.min(retryAfter, this.#options.maxRetryAfterMs)
        return { ok: false, retry: true, delayMs, error }
      }
      return { ok: false, retry: status >= 500, error }
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || /timeout/i.test(error.name))
      const reason = timedOut ? `timed out after ${timeoutMs} ms` : message(error)
      return { ok: false, retry: true, error: reason }
    }
  }

  /** Exponential backoff with equal jitter: half the step fixed, half random. */
  #backoff(attempt: number): number {
    const step = Math.min(this.#options.maxBackoffMs, this.#options.backoffMs * 2 ** attempt)
    return step / 2 + this.#options.random() * (step / 2)
  }

  #note(error: string): void {
    const now = new Date().toISOString()
    this.#status.lastError = error
    this.#status.lastErrorAt = now
    this.#status.failingSince ??= now
  }

  #fail(error: string, event: AlertNotification): void {
    this.#status.failures += 1
    this.#note(error)
    logger().warn('notifier gave up on an alert event', {
      notifier: this.name,
      alert: event.alert.rule,
      fingerprint: event.alert.fingerprint,
      error,
    })
  }
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms; undefined when absent or invalid. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return undefined
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text.trim()) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** 0 for critical up to 3 for low: lower is sent first and dropped last. */
function rankOf(event: AlertNotification): number {
  return SEVERITIES.indexOf(event.alert.severity)
}

/** The index of the oldest of the least severe events (the one a full queue drops). */
function leastSevere(queue: readonly AlertNotification[]): number {
  return firstWhere(queue, (a, b) => rankOf(a) > rankOf(b))
}

/** The index of the earliest event that no other event `beats`; 0 for an empty queue. */
function firstWhere(
  queue: readonly AlertNotification[],
  beats: (a: AlertNotification, b: AlertNotification) => boolean,
): number {
  let best = 0
  for (let index = 1; index < queue.length; index += 1) {
    if (beats(queue[index]!, queue[best]!)) best = index
  }
  return best
}

function validateOptions(options: NotifierOptions): Required<Omit<NotifierOptions, 'name'>> {
  const resolved = {
    ...NOTIFIER_DEFAULTS,
    random: Math.random,
    ...stripUndefined(options),
  } as Required<NotifierOptions>
  if (options.name !== undefined && (typeof options.name !== 'string' || !options.name.trim())) {
    throw invalidOption('name', options.name, 'allowed: a non-empty string')
  }
  if (!SEVERITIES.includes(resolved.minSeverity)) {
    throw invalidOption('minSeverity', resolved.minSeverity, `allowed: ${SEVERITIES.join(', ')}`)
  }
  if (typeof resolved.random !== 'function') {
    throw invalidOption(
      'random',
      resolved.random,
      'allowed: a function returning a number in [0, 1)',
    )
  }
  // Durations end up in timers, so they share the monitor's 24 h bound.
  const checks: Array<[keyof typeof NOTIFIER_DEFAULTS, number, number, string]> = [
    ['timeoutMs', 1, MAX_TIMER_MS, 'ms'],
    ['retries', 0, Number.MAX_SAFE_INTEGER, ''],
    ['backoffMs', 0, MAX_TIMER_MS, 'ms'],
    ['maxBackoffMs', 0, MAX_TIMER_MS, 'ms'],
    ['maxRetryAfterMs', 0, MAX_TIMER_MS, 'ms'],
    ['queueSize', 1, Number.MAX_SAFE_INTEGER, ''],
  ]
  for (const [key, least, most, unit] of checks) {
    const value = resolved[key]
    const whole = unit === 'ms' || Number.isInteger(value)
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      !whole ||
      value < least ||
      value > most
    ) {
      const allowed =
        unit === 'ms'
          ? `allowed: a number of ms from ${least} to ${most} (24 h)`
          : `allowed: an integer, ${least} or more`
      throw invalidOption(key, value, allowed)
    }
  }
  const { name: _name, ...rest } = resolved
  return rest
}

/**
 * The start of an error body, for the status and logs: at most `max` characters, and no more
 * than 4 KiB read, so a receiver answering with a huge page cannot make us buffer it.
 */
async function snippet(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    size += chunk.length
    if (size >= 4096) break
  }
  return Buffer.concat(chunks).toString('utf8').trim().slice(0, max)
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function message(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message
  }
  return String(error)
}

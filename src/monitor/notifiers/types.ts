import type { AlertNotification } from '../alerts/types.js'
import type { AlertSeverity } from '../types.js'

/** Kinds of notifier the monitor ships. */
export type NotifierKind = 'slack' | 'pagerduty' | 'webhook'

/**
 * What a notifier reports for the monitor's health endpoint. It never holds the webhook
 * URL or routing key: `target` is only the host the notifier posts to.
 */
export interface NotifierStatus {
  /** The notifier's name (its kind unless configured otherwise). */
  name: string
  kind: NotifierKind
  /** The host (and port) notifications go to, never the path, query or key. */
  target: string
  /** Events waiting to be sent. */
  queued: number
  /** Events delivered (2xx). */
  sent: number
  /** Events given up on after the last retry, or refused by the receiver (4xx other than 429). */
  failures: number
  /** Failed attempts that were retried. */
  retries: number
  /** Events dropped because the queue was full (the oldest go first). */
  dropped: number
  /** The last error, redacted; null when none since the last success. */
  lastError: string | null
  /** When the last error happened, ISO 8601. */
  lastErrorAt: string | null
  /** When the current run of errors began (first error since the last success), ISO 8601. */
  failingSince: string | null
  /** When the last event was delivered, ISO 8601. */
  lastSuccessAt: string | null
}

/**
 * Sends alert events somewhere. `notify` only enqueues: it never blocks, never throws and
 * never waits for the network, so a slow receiver cannot hold up sampling.
 */
export interface Notifier {
  readonly name: string
  readonly kind: NotifierKind
  /** Queues the event (or ignores it when below `minSeverity`). */
  notify(event: AlertNotification): void
  status(): NotifierStatus
  /** Resolves when the queue is empty and nothing is in flight (tests, shutdown). */
  flush(): Promise<void>
  /** Stops taking events, waits up to `timeoutMs` for the queue to drain, then drops the rest. */
  close(timeoutMs?: number): Promise<void>
}

/** Options every notifier takes; each default is named in its doc. */
export interface NotifierOptions {
  /** Name in status and logs; default: the kind. */
  name?: string
  /** Events below this severity are not sent; default `low` (everything). */
  minSeverity?: AlertSeverity
  /** Per attempt timeout (connect, headers and body), ms; default 5000. */
  timeoutMs?: number
  /** Retries after the first attempt, on 429, 5xx, timeouts and network errors; default 3. */
  retries?: number
  /** First backoff delay, ms, doubled each retry, with equal jitter (half the delay fixed,
   * half random); default 500. */
  backoffMs?: number
  /** Largest backoff delay, ms; default 30000. */
  maxBackoffMs?: number
  /** Longest `Retry-After` honoured, ms; longer values are cut to this; default 60000. */
  maxRetryAfterMs?: number
  /** Events kept waiting at most; beyond this the oldest of the least severe is dropped;
   * default 100. Waiting events are sent worst severity first. */
  queueSize?: number
  /** Random source in [0, 1) for the jitter (tests make it fixed); default Math.random. */
  random?: () => number
}

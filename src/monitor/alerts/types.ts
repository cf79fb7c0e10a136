/**
 * The alerting side's own types, built on the monitor's contract in `../types.ts` (`Alert`,
 * `AlertEvent`, `AlertInput`): what a rule observes each interval, the detail the manager
 * adds to an alert, and the notification events. Every value is plain JSON, because alerts
 * are served by the REST API, broadcast over the WebSocket and sent to notifiers.
 */
import type { Alert, AlertEvent, AlertInput, AlertSeverity } from '../types.js'

/** The on-call priority name of each severity: critical P0, high P1, medium P2, low P3. */
export const SEVERITY_PRIORITY: Record<AlertSeverity, AlertPriority> = {
  critical: 'P0',
  high: 'P1',
  medium: 'P2',
  low: 'P3',
}

/** Severities from the worst down, for sorting and for `minSeverity` filters. */
export const SEVERITIES: readonly AlertSeverity[] = ['critical', 'high', 'medium', 'low']

export type AlertPriority = 'P0' | 'P1' | 'P2' | 'P3'

/** Where a rule came from: objectives, resource levels, insights, or a configured threshold. */
export type AlertSource = 'objective' | 'resource' | 'anomaly' | 'prediction' | 'threshold'

/** Extra figures carried to notifiers and the page (no secrets, plain JSON). */
export type AlertDetails = Record<string, string | number | boolean | null>

/**
 * One instance of a rule's condition judged on one interval (one endpoint, one resource).
 * `breaching` starts or keeps an alert; `clear` resolves a firing one. When neither holds
 * (the value sits between the clear bound and the threshold) a firing alert keeps firing:
 * that band is the hysteresis that stops an alert flapping around its threshold.
 */
export interface AlertObservation {
  /** Instance labels, e.g. `{ component: 'api', metric: 'p95' }`; the manager adds `alertname`. */
  labels: Record<string, string>
  /** The measured value in `unit`; null when it could not be measured this time. */
  value: number | null
  /** The bound that fires the alert, in `unit`; null for rules without one (anomalies). */
  threshold: number | null
  /** The bound in words where no number says it (`endpoint_down`: "any success"). */
  thresholdText?: string
  /** The bound a firing alert must get back past before it resolves, in `unit`. */
  clearThreshold: number | null
  /** `ms`, `%`, `B/s`, or '' for a count. */
  unit: string
  /** The condition holds now: the alert becomes pending, then fires after `for`. */
  breaching: boolean
  /** The value is back past the clear bound: a firing alert resolves. */
  clear: boolean
  /** One line a person on call reads first. */
  summary: string
  details?: AlertDetails
}

/**
 * A compiled rule: judges one interval and returns one observation per instance it watches.
 * `buildRules` compiles them from the monitor's options; a program may add its own.
 */
export interface AlertCheck {
  /** Unique name, e.g. `endpoint_latency`; becomes the alert's `rule` and `alertname` label. */
  name: string
  severity: AlertSeverity
  source: AlertSource
  /** How long the condition must hold before the alert fires, ms (0 fires at once). */
  forMs: number
  /** While firing, how often the alert is sent again, ms (0 never repeats). */
  repeatIntervalMs: number
  /** Judges one interval; `now` is the manager's clock, epoch ms. */
  check(input: AlertInput, now: number): AlertObservation[]
}

/** An alert with what the manager knows beyond the served contract (`Alert`). */
export interface AlertRecord extends Alert {
  /** `P0`..`P3`, from the severity. */
  priority: AlertPriority
  source: AlertSource
  /** Bound a firing alert must get back past to resolve, in `unit`; null when none. */
  clearThreshold: number | null
  /** The bound in words where `threshold` is null but the rule has one ("any success"). */
  thresholdText?: string
  unit: string
  /** When a fired (or repeated) event was last emitted for it, ISO 8601. */
  lastNotifiedAt: string | null
  /** How many fired events (first plus repeats) were emitted. */
  notifications: number
  details: AlertDetails
}

/** An alert event as `evaluate` returns it and notifiers receive it. */
export interface AlertNotification extends AlertEvent {
  alert: AlertRecord
  /** True for a re-notification of a still-firing alert after its repeat interval. */
  repeat: boolean
}

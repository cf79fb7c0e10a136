import { logger } from '../../config/logger.js'
import type { Notifier } from '../notifiers/types.js'
import type {
  AlertInput,
  HealthProblem,
  AlertManager as MonitorAlertManager,
  MonitorSnapshot,
} from '../types.js'
import { fingerprint } from './fingerprint.js'
import type { AlertCheck, AlertNotification, AlertObservation, AlertRecord } from './types.js'
import { SEVERITIES, SEVERITY_PRIORITY } from './types.js'

/** What `AlertManager` is built from; `createAlertManager` compiles the checks from options. */
export interface AlertManagerInit {
  checks: AlertCheck[]
  /** Every fired, repeated and resolved event is queued to each (queuing never blocks). */
  notifiers?: Notifier[]
  /** The clock, epoch ms; default `Date.now`. Tests inject their own. */
  clock?: () => number
  /** How many resolved alerts `recent()` keeps, newest first; default 100. */
  resolvedHistory?: number
  /**
   * How much sooner than its `for` a pending alert may fire, ms; default 0. Readings come once
   * an interval, each a little late or early (a slow probe finishes seconds after a fast one),
   * so a condition judged at exactly `for` misses by a few ms and waits a whole interval more.
   * `createAlertManager` sets half the sampling interval: `for` rounds to the nearest reading.
   */
  forToleranceMs?: number
}

interface Tracked {
  alert: AlertRecord
  check: AlertCheck
  /** Epoch ms behind `alert.activeAt`. */
  activeAt: number
  /** Epoch ms behind `alert.lastNotifiedAt`. */
  lastNotifiedAt: number
}

/**
 * Turns rule observations into alerts with a lifecycle. An alert whose condition holds is
 * `pending`; it fires once the condition has held for the rule's `for` (a single bad sample
 * pages nobody), and is dropped without a word if the condition lapses before. A firing
 * alert resolves only when the value gets back past the clear bound, which sits on the safe
 * side of the threshold (hysteresis), so a value hovering at the threshold fires once and
 * stays fired instead of flapping. Alerts are keyed by the fingerprint of their labels, so
 * the same condition seen every interval is one alert, notified once and then again only
 * after the rule's repeat interval. A reading that could not be taken (value null) leaves an
 * alert as it is.
 */
export class AlertManager implements MonitorAlertManager {
  readonly #checks: AlertCheck[]
  readonly #notifiers: Notifier[]
  readonly #clock: () => number
  readonly #resolvedHistory: number
  readonly #forToleranceMs: number
  readonly #tracked = new Map<string, Tracked>()
  #recent: AlertRecord[] = []

  constructor(init: AlertManagerInit) {
    this.#checks = [...init.checks]
    this.#notifiers = [...(init.notifiers ?? [])]
    this.#clock = init.clock ?? Date.now
    this.#resolvedHistory = init.resolvedHistory ?? 100
    this.#forToleranceMs = init.forToleranceMs ?? 0
  }

  /** The compiled rules, in evaluation order. */
  checks(): readonly AlertCheck[] {
    return this.#checks
  }

  /** The notifiers events go to. */
  notifiers(): readonly Notifier[] {
    return this.#notifiers
  }

  /**
   * Judges one interval with every rule and advances each alert's lifecycle. Takes the whole
   * `AlertInput`, or a bare snapshot (no insights or predictions: those rules see nothing).
   * Returns the events (fired, including repeats, before resolved; worst first) and queues each to the
   * notifiers without waiting. A rule that throws is logged and skipped; its alerts keep
   * their state.
   */
  evaluate(input: AlertInput | MonitorSnapshot, now: number = this.#clock()): AlertNotification[] {
    const { observed, ran } = this.#observe(toInput(input), now)
    const events: AlertNotification[] = []

    for (const [key, { check, observation }] of observed) {
      const event = this.#advance(key, check, observation, now)
      if (event) events.push(event)
    }
    this.#dropUnseenPending(observed, ran)
    events.sort((a, b) => rank(a) - rank(b))

    for (const event of events) this.#send(event)
    return events
  }

  /** Pending and firing alerts: worst severity first, firing before pending, then oldest. */
  active(): AlertRecord[] {
    return [...this.#tracked.values()]
      .map(tracked => structuredClone(tracked.alert))
      .sort(
        (a, b) =>
          SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
          (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) ||
          a.activeAt.localeCompare(b.activeAt),
      )
  }

  /** Firing alerts only: what the notifiers were told about. */
  firing(): AlertRecord[] {
    return this.active().filter(alert => alert.state === 'firing')
  }

  /** The firing alerts as plain JSON, for `restore` in a later run (the monitor keeps it in Redis). */
  saved(): SavedAlerts {
    return { version: 1, alerts: this.firing() }
  }

  /**
   * Takes back the firing alerts an earlier run `saved()`, so that run's notifications are
   * followed up: an alert still breaching keeps firing without a second page (it repeats on its
   * old schedule), and one whose condition has cleared resolves at the next clear reading,
   * sending its `resolve`. Alerts of rules this run does not have, or already tracked here, are
   * left out, and so is anything that is not a saved alert. Returns how many were taken.
   */
  restore(saved: unknown): number {
    const records = (saved as Partial<SavedAlerts> | null)?.alerts
    if ((saved as Partial<SavedAlerts> | null)?.version !== 1 || !Array.isArray(records)) return 0
    let taken = 0
    for (const record of records as unknown[]) {
      const alert = savedAlert(record)
      if (!alert || this.#tracked.has(alert.fingerprint)) continue
      const check = this.#checks.find(c => c.name === alert.rule)
      if (!check || fingerprint(alert.labels) !== alert.fingerprint) continue
      alert.severity = check.severity
      alert.priority = SEVERITY_PRIORITY[check.severity]
      this.#tracked.set(alert.fingerprint, {
        alert,
        check,
        activeAt: Date.parse(alert.activeAt),
        lastNotifiedAt: alert.lastNotifiedAt ? Date.parse(alert.lastNotifiedAt) : 0,
      })
      taken++
    }
    return taken
  }

  /** Recently resolved alerts, newest first, at most `resolvedHistory`. */
  recent(): AlertRecord[] {
    return this.#recent.map(alert => structuredClone(alert))
  }

  /** One problem per notifier whose last attempt failed, for the monitor's `/health`. */
  problems(): HealthProblem[] {
    const problems: HealthProblem[] = []
    for (const notifier of this.#notifiers) {
      const status = notifier.status()
      if (status.lastError === null) continue
      problems.push({
        kind: 'notifier',
        name: status.name,
        message: `${status.lastError} (${status.failures} failed, ${status.dropped} dropped)`,
        since: status.failingSince ?? status.lastErrorAt ?? new Date(this.#clock()).toISOString(),
      })
    }
    return problems
  }

  /** Waits until every notifier has sent (or given up on) what was queued. */
  async flush(): Promise<void> {
    await Promise.all(this.#notifiers.map(notifier => notifier.flush()))
  }

  /** Closes the notifiers, giving queued events up to `timeoutMs` (default 5000) to go out. */
  async close(timeoutMs = 5000): Promise<void> {
    await Promise.all(this.#notifiers.map(notifier => notifier.close(timeoutMs)))
  }

  /** Queues one event to every notifier; a notifier that throws cannot stop the others. */
  #send(event: AlertNotification): void {
    for (const notifier of this.#notifiers) {
      try {
        notifier.notify(event)
      } catch (error) {
        logger().warn('notifier refused an alert event', {
          notifier: notifier.name,
          error: error instanceof Error ? error.message : String(error),
        })
      }
    }
  }

  /**
   * A pending alert its rule no longer reports (the prediction or series went away) has not
   * held its condition: it is dropped, as if the condition had lapsed. Alerts of a rule that
   * threw this time are left alone, and firing alerts wait for a clear reading.
   */
  #dropUnseenPending(observed: Map<string, unknown>, ran: Set<AlertCheck>): void {
    for (const [key, tracked] of this.#tracked) {
      if (tracked.alert.state !== 'pending' || observed.has(key)) continue
      if (ran.has(tracked.check)) this.#tracked.delete(key)
    }
  }

  /** Runs every rule; observations with one fingerprint count once, a breaching one wins. */
  #observe(input: AlertInput, now: number) {
    const observed = new Map<string, { check: AlertCheck; observation: AlertObservation }>()
    const ran = new Set<AlertCheck>()
    for (const check of this.#checks) {
      let observations: AlertObservation[]
      try {
        observations = check.check(input, now)
      } catch (error) {
        logger().warn('alert rule failed; its alerts keep their state', {
          rule: check.name,
          error: error instanceof Error ? error.message : String(error),
        })
        continue
      }
      ran.add(check)

      for (const observation of observations) {
        const labels = { ...observation.labels, alertname: check.name }
        const key = fingerprint(labels)
        if (observed.get(key)?.observation.breaching && !observation.breaching) continue
        observed.set(key, { check, observation: { ...observation, labels } })
      }
    }
    return { observed, ran }
  }

  /** One step of one alert's lifecycle; returns the event it caused, if any. */
  #advance(key: string, check: AlertCheck, observation: AlertObservation, now: number) {
    const tracked = this.#tracked.get(key)

    if (!tracked) {
      if (!observation.breaching) return undefined
      const started = start(key, check, observation, now)
      this.#tracked.set(key, started)
      return check.forMs <= 0 ? fire(started, now, false) : undefined
    }

    update(tracked.alert, observation)
    if (observation.value === null && !observation.breaching) return undefined

    if (tracked.alert.state === 'pending') {
      if (!observation.breaching) {
        this.#tracked.delete(key)
        return undefined
      }
      const held = now - tracked.activeAt
      return held >= check.forMs - this.#forToleranceMs ? fire(tracked, now, false) : undefined
    }

    if (observation.clear) return this.#resolve(key, tracked, now)
    const repeatDue =
      check.repeatIntervalMs > 0 && now - tracked.lastNotifiedAt >= check.repeatIntervalMs
    return repeatDue ? fire(tracked, now, true) : undefined
  }

  #resolve(key: string, tracked: Tracked, now: number): AlertNotification {
    const { alert } = tracked
    alert.state = 'resolved'
    alert.resolvedAt = new Date(now).toISOString()
    this.#tracked.delete(key)
    this.#recent = [structuredClone(alert), ...this.#recent].slice(0, this.#resolvedHistory)
    return { type: 'alert_resolved', alert: structuredClone(alert), repeat: false }
  }
}

/** What `saved()` returns and `restore()` takes. */
export interface SavedAlerts {
  version: 1
  alerts: AlertRecord[]
}

/** A firing alert as saved, with the fields the lifecycle reads checked; else null. */
function savedAlert(value: unknown): AlertRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const alert = value as Partial<AlertRecord>
  const labels = alert.labels as unknown
  if (
    alert.state !== 'firing' ||
    typeof alert.fingerprint !== 'string' ||
    typeof alert.rule !== 'string' ||
    typeof labels !== 'object' ||
    labels === null ||
    !Object.values(labels).every(label => typeof label === 'string') ||
    typeof alert.activeAt !== 'string' ||
    !Number.isFinite(Date.parse(alert.activeAt)) ||
    (alert.lastNotifiedAt !== null &&
      !(
        typeof alert.lastNotifiedAt === 'string' &&
        Number.isFinite(Date.parse(alert.lastNotifiedAt))
      ))
  ) {
    return null
  }
  return structuredClone(alert) as AlertRecord
}

function start(key: string, check: AlertCheck, observation: AlertObservation, now: number) {
  const alert: AlertRecord = {
    fingerprint: key,
    rule: check.name,
    severity: check.severity,
    priority: SEVERITY_PRIORITY[check.severity],
    source: check.source,
    state: 'pending',
    labels: observation.labels,
    summary: observation.summary,
    value: observation.value,
    threshold: observation.threshold,
    ...(observation.thresholdText === undefined
      ? {}
      : { thresholdText: observation.thresholdText }),
    clearThreshold: observation.clearThreshold,
    unit: observation.unit,
    activeAt: new Date(now).toISOString(),
    firedAt: null,
    resolvedAt: null,
    lastNotifiedAt: null,
    notifications: 0,
    details: { ...(observation.details ?? {}) },
  }
  return { alert, check, activeAt: now, lastNotifiedAt: 0 }
}

function fire(tracked: Tracked, now: number, repeat: boolean): AlertNotification {
  const { alert } = tracked
  alert.state = 'firing'
  alert.firedAt ??= new Date(now).toISOString()
  alert.lastNotifiedAt = new Date(now).toISOString()
  alert.notifications += 1
  tracked.lastNotifiedAt = now
  return { type: 'alert_fired', alert: structuredClone(alert), repeat }
}

/** Copies the latest reading onto the alert; a null value keeps the last known one. */
function update(alert: AlertRecord, observation: AlertObservation): void {
  if (observation.value !== null) alert.value = observation.value
  alert.summary = observation.summary
  alert.threshold = observation.threshold
  if (observation.thresholdText === undefined) delete alert.thresholdText
  else alert.thresholdText = observation.thresholdText
  alert.clearThreshold = observation.clearThreshold
  if (observation.details) alert.details = { ...observation.details }
}

/** Fired before resolved, each worst severity first. */
function rank(event: AlertNotification): number {
  return (event.type === 'alert_fired' ? 0 : 10) + SEVERITIES.indexOf(event.alert.severity)
}

/** A bare snapshot becomes an input with no insights or predictions. */
function toInput(input: AlertInput | MonitorSnapshot): AlertInput {
  if ('snapshot' in input) return input
  const generatedAt = input.time
  return {
    snapshot: input,
    insights: { generatedAt, windowMinutes: 0, anomalies: [], trends: [], summary: [] },
    predictions: { generatedAt, horizonMinutes: 0, predictions: [] },
  }
}

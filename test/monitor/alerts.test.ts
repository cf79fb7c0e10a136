import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { checkCustomMetrics } from '../../src/monitor/alerts/config.js'
import type { AlertNotification } from '../../src/monitor/alerts/index.js'
import {
  AlertManager,
  createAlertManager,
  endpointObjectivesFrom,
  fingerprint,
  resolveAlertConfig,
} from '../../src/monitor/alerts/index.js'
import type { Notifier, NotifierStatus } from '../../src/monitor/notifiers/index.js'
import type {
  AlertInput,
  EndpointSnapshot,
  MonitorAnomaly,
  MonitorSnapshot,
  Prediction,
} from '../../src/monitor/types.js'
import { P95_RULE } from './helpers.js'

const T0 = Date.parse('2026-01-01T00:00:00Z')
const INTERVAL = 30_000

function endpoint(overrides: Partial<EndpointSnapshot> = {}): EndpointSnapshot {
  return {
    name: 'api',
    method: 'GET',
    url: 'http://127.0.0.1:3000/api',
    p50: 20,
    p95: 40,
    p99: 60,
    availability: 100,
    requests: 5,
    statusCodes: { '200': 5 },
    errors: {},
    probeError: null,
    objectives: { p95: 300 },
    ...overrides,
  }
}

function snapshot(
  endpoints: EndpointSnapshot[] = [endpoint()],
  host: Partial<MonitorSnapshot['host']> = {},
  custom: Record<string, number | null> = {},
): MonitorSnapshot {
  return {
    time: new Date(T0).toISOString(),
    sequence: 1,
    intervalMs: INTERVAL,
    durationMs: 12,
    endpoints,
    host: {
      cpu: 10,
      memory: 20,
      disk: 30,
      network_rx: 1000,
      network_tx: 1000,
      load: 0.5,
      ...host,
    },
    custom,
  }
}

function input(
  snap: MonitorSnapshot,
  anomalies: MonitorAnomaly[] = [],
  predictions: Prediction[] = [],
): AlertInput {
  return {
    snapshot: snap,
    insights: { generatedAt: snap.time, windowMinutes: 60, anomalies, trends: [], summary: [] },
    predictions: { generatedAt: snap.time, horizonMinutes: 60, predictions },
  }
}

/** A forecast of host disk crossing 80% in 42 min, with `fields` changed. */
function prediction(fields: Partial<Prediction>): Prediction {
  return {
    component: 'host',
    metric: 'disk',
    unit: '%',
    current: 72,
    predicted: 83,
    interval: [78, 88],
    threshold: 80,
    minutesToThreshold: 42,
    breachExpected: true,
    method: 'holt',
    ...fields,
  }
}

/** A manager with the default rules and no notifiers from the environment. */
function manager(options: Parameters<typeof createAlertManager>[0] = {}) {
  return createAlertManager({ intervalMs: INTERVAL, env: {}, ...options })
}

const p95 = (value: number) => snapshot([endpoint({ p95: value })])
const names = (events: AlertNotification[]) => events.map(e => `${e.type}:${e.alert.rule}`)

describe('alert lifecycle', () => {
  it('stays pending for `for` and fires once the condition has held that long', () => {
    const alerts = manager({ alerts: { forMs: 60_000 } })

    expect(alerts.evaluate(p95(400), T0)).toEqual([])
    expect(alerts.active()).toMatchObject([
      { rule: 'endpoint_latency', state: 'pending', value: 400, threshold: 300 },
    ])
    expect(alerts.evaluate(p95(410), T0 + 30_000)).toEqual([])

    const events = alerts.evaluate(p95(420), T0 + 60_000)
    expect(names(events)).toEqual(['alert_fired:endpoint_latency'])
    const fired = events[0]!.alert
    expect(fired).toMatchObject({
      state: 'firing',
      severity: 'high',
      priority: 'P1',
      source: 'objective',
      value: 420,
      threshold: 300,
      clearThreshold: 270,
      unit: 'ms',
      activeAt: new Date(T0).toISOString(),
      firedAt: new Date(T0 + 60_000).toISOString(),
      labels: { alertname: 'endpoint_latency', component: 'api', metric: 'p95' },
      notifications: 1,
    })
    expect(fired.summary).toBe('api p95 latency 420 ms over its budget of 300 ms')
    expect(alerts.firing().map(a => a.fingerprint)).toEqual([fired.fingerprint])
  })

  it('drops a pending alert when the condition lapses, and restarts the `for` clock', () => {
    const alerts = manager({ alerts: { forMs: 60_000 } })
    alerts.evaluate(p95(400), T0)
    alerts.evaluate(p95(290), T0 + 30_000)
    expect(alerts.active()).toEqual([])

    alerts.evaluate(p95(400), T0 + 60_000)
    expect(alerts.evaluate(p95(400), T0 + 90_000)).toEqual([])
    expect(names(alerts.evaluate(p95(400), T0 + 120_000))).toEqual(['alert_fired:endpoint_latency'])
  })

  it('does not flap around the threshold: resolves only below the clear bound', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    expect(names(alerts.evaluate(p95(310), T0))).toEqual(['alert_fired:endpoint_latency'])

    // Oscillating across the 300 ms budget but above the 270 ms clear bound: no event at all.
    const values = [295, 305, 290, 301, 280, 299, 271]
    values.forEach((value, i) => {
      expect(alerts.evaluate(p95(value), T0 + (i + 1) * INTERVAL)).toEqual([])
    })
    expect(alerts.active()).toMatchObject([{ state: 'firing', value: 271 }])

    const resolved = alerts.evaluate(p95(265), T0 + 9 * INTERVAL)
    expect(names(resolved)).toEqual(['alert_resolved:endpoint_latency'])
    expect(resolved[0]!.alert).toMatchObject({
      state: 'resolved',
      value: 265,
      resolvedAt: new Date(T0 + 9 * INTERVAL).toISOString(),
    })
    expect(alerts.active()).toEqual([])
    expect(alerts.recent().map(a => a.state)).toEqual(['resolved'])
  })

  it('keeps an alert as it is when the value could not be measured', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    alerts.evaluate(p95(400), T0)
    expect(alerts.evaluate(snapshot([endpoint({ p95: null })]), T0 + INTERVAL)).toEqual([])
    expect(alerts.active()).toMatchObject([{ state: 'firing', value: 400 }])
  })

  it('deduplicates by the fingerprint of the labels', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const fired = alerts.evaluate(p95(400), T0)
    for (let i = 1; i <= 10; i += 1) {
      expect(alerts.evaluate(p95(400 + i), T0 + i * INTERVAL)).toEqual([])
    }
    expect(alerts.active()).toHaveLength(1)

    const expected = fingerprint({ metric: 'p95', alertname: 'endpoint_latency', component: 'api' })
    expect(fired[0]!.alert.fingerprint).toBe(expected)
    expect(expected).toMatch(/^[0-9a-f]{16}$/)
    expect(fingerprint({ component: 'api', metric: 'p95', alertname: 'endpoint_latency' })).toBe(
      expected,
    )
    expect(
      fingerprint({ component: 'web', metric: 'p95', alertname: 'endpoint_latency' }),
    ).not.toBe(expected)
  })

  it('merges observations with the same labels within one evaluation', () => {
    const twice = {
      name: 'queue',
      severity: 'medium' as const,
      source: 'threshold' as const,
      forMs: 0,
      repeatIntervalMs: 0,
      check: () =>
        [false, true, false].map(breaching => ({
          labels: { component: 'custom', metric: 'queue' },
          value: breaching ? 9 : 1,
          threshold: 5,
          clearThreshold: 4,
          unit: '',
          breaching,
          clear: !breaching,
          summary: breaching ? 'queue high' : 'queue fine',
        })),
    }
    const alerts = new AlertManager({ checks: [twice], clock: () => T0 })
    const events = alerts.evaluate(snapshot())
    expect(events).toHaveLength(1)
    expect(events[0]!.alert).toMatchObject({ value: 9, summary: 'queue high' })
  })

  it('notifies a still-firing alert again only after the repeat interval', () => {
    const alerts = manager({ alerts: { forMs: 0, repeatIntervalMs: 10 * 60_000 } })
    const all: AlertNotification[] = []
    for (let t = 0; t <= 25 * 60_000; t += INTERVAL) all.push(...alerts.evaluate(p95(500), T0 + t))

    expect(all.map(e => [e.repeat, e.alert.lastNotifiedAt, e.alert.notifications])).toEqual([
      [false, new Date(T0).toISOString(), 1],
      [true, new Date(T0 + 10 * 60_000).toISOString(), 2],
      [true, new Date(T0 + 20 * 60_000).toISOString(), 3],
    ])
    expect(all.every(e => e.alert.firedAt === new Date(T0).toISOString())).toBe(true)
  })

  it('takes back the firing alerts an earlier run saved: no second page, and a resolve once clear', () => {
    const options = { alerts: { forMs: 0, repeatIntervalMs: 10 * 60_000 } }
    const before = manager(options)
    const [fired] = before.evaluate(p95(500), T0)
    // Through JSON, as the monitor keeps it in Redis.
    const saved = JSON.parse(JSON.stringify(before.saved()))

    // Still breaching after the restart: firing, not fired again until the old schedule's repeat.
    const still = manager(options)
    expect(still.restore(saved)).toBe(1)
    expect(still.firing().map(a => a.fingerprint)).toEqual([fired!.alert.fingerprint])
    expect(still.evaluate(p95(500), T0 + 5 * 60_000)).toEqual([])
    expect(still.evaluate(p95(500), T0 + 10 * 60_000).map(e => e.repeat)).toEqual([true])

    // Cleared while the monitor was down: the first clear reading resolves it.
    const cleared = manager(options)
    expect(cleared.restore(saved)).toBe(1)
    const events = cleared.evaluate(p95(100), T0 + 60_000)
    expect(names(events)).toEqual(['alert_resolved:endpoint_latency'])
    expect(events[0]!.alert.fingerprint).toBe(fired!.alert.fingerprint)
    expect(cleared.active()).toEqual([])
  })

  it('restores nothing from what is not a saved alert, or from a rule this run does not have', () => {
    const before = manager({ alerts: { forMs: 0 } })
    before.evaluate(p95(500), T0)
    const saved = before.saved()
    const fresh = () => manager({ alerts: { forMs: 0 } })
    expect(fresh().restore(null)).toBe(0)
    expect(fresh().restore({ version: 2, alerts: saved.alerts })).toBe(0)
    expect(fresh().restore({ version: 1, alerts: [{ state: 'firing' }, 'x', null] })).toBe(0)
    const renamed = { ...saved.alerts[0]!, rule: 'no_such_rule' }
    expect(fresh().restore({ version: 1, alerts: [renamed] })).toBe(0)
    // Labels that do not match the fingerprint are not trusted either.
    const forged = { ...saved.alerts[0]!, labels: { ...saved.alerts[0]!.labels, component: 'x' } }
    expect(fresh().restore({ version: 1, alerts: [forged] })).toBe(0)
    // An alert this run already tracks is kept as it is.
    const tracking = fresh()
    tracking.evaluate(p95(500), T0 + 1000)
    expect(tracking.restore(saved)).toBe(0)
  })

  it('uses the injected clock when no time is given, and two intervals as the default `for`', () => {
    let now = T0
    const alerts = manager({ clock: () => now })
    alerts.evaluate(p95(400))
    now += INTERVAL
    expect(alerts.evaluate(p95(400))).toEqual([])
    now += INTERVAL
    const [event] = alerts.evaluate(p95(400))
    expect(event?.alert.firedAt).toBe(new Date(T0 + 2 * INTERVAL).toISOString())
  })
  it('fires at the reading due at `for` even when it comes a few ms early', () => {
    let now = T0
    const alerts = manager({ intervalMs: 2000, clock: () => now })

    // The default `for` is two intervals (4 s); readings jitter by a few ms.
    alerts.evaluate(p95(400))
    now = T0 + 1999
    expect(alerts.evaluate(p95(400))).toEqual([])
    now = T0 + 3998
    const [event] = alerts.evaluate(p95(400))
    expect(event?.type).toBe('alert_fired')
    expect(event?.alert.firedAt).toBe(new Date(T0 + 3998).toISOString())
  })

  it('does not fire a whole interval early: the tolerance is half an interval', () => {
    let now = T0
    const alerts = manager({ intervalMs: 2000, clock: () => now })

    alerts.evaluate(p95(400))
    now = T0 + 2999
    expect(alerts.evaluate(p95(400))).toEqual([])
    now = T0 + 3000
    expect(names(alerts.evaluate(p95(400)))).toEqual(['alert_fired:endpoint_latency'])
  })

  it('holds a `for` exactly without a tolerance when the manager is built by hand', () => {
    const checks = manager({ alerts: { forMs: 4000 } }).checks()
    const latency = checks.find(check => check.name === 'endpoint_latency')!
    const alerts = new AlertManager({ checks: [latency] })

    alerts.evaluate(p95(400), T0)
    expect(alerts.evaluate(p95(400), T0 + 3998)).toEqual([])
    expect(alerts.evaluate(p95(400), T0 + 4000)).toHaveLength(1)
  })
})

describe('rules from objectives', () => {
  it('raises endpoint_down (critical, P0) when no probe request succeeds', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const down = endpoint({
      availability: 0,
      p50: null,
      p95: null,
      p99: null,
      statusCodes: { '503': 5 },
      errors: { status_5xx: 5 },
    })
    const events = alerts.evaluate(snapshot([down]), T0)
    const alert = events.find(e => e.alert.rule === 'endpoint_down')?.alert
    expect(alert).toMatchObject({ severity: 'critical', priority: 'P0', value: 0 })
    expect(alert?.summary).toBe(
      'api is unavailable: GET http://127.0.0.1:3000/api 5 of 5 probe requests failed (status_5xx 5)',
    )

    // 40% is better but still under the 50% clear bound: stays; 60% resolves it.
    expect(alerts.evaluate(snapshot([endpoint({ availability: 40 })]), T0 + INTERVAL)).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ type: 'alert_resolved' })]),
    )
    const later = alerts.evaluate(snapshot([endpoint({ availability: 60 })]), T0 + 2 * INTERVAL)
    expect(names(later)).toContain('alert_resolved:endpoint_down')
  })

  it('raises only endpoint_down for a fully down endpoint, not availability or error rate', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const down = (objectives: EndpointSnapshot['objectives']) =>
      endpoint({ availability: 0, p95: null, errors: { ECONNREFUSED: 5 }, objectives })
    const events = alerts.evaluate(
      snapshot([down({ availability: 99 }), { ...down({}), name: 'web' }]),
      T0,
    )
    expect(events.map(e => `${e.alert.rule}:${e.alert.labels.component}`)).toEqual([
      'endpoint_down:api',
      'endpoint_down:web',
    ])
  })

  it('treats a probe that failed outright as down, with its reason', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const failed = endpoint({
      availability: null,
      p95: null,
      probeError: 'timed out after 5000 ms',
    })
    const [event] = alerts.evaluate(snapshot([failed]), T0)
    expect(event?.alert.rule).toBe('endpoint_down')
    expect(event?.alert.summary).toContain('timed out after 5000 ms')
  })

  it('words availability and error-rate alerts by the value while down keeps them firing', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const failing = (availability: number) =>
      snapshot([
        endpoint({ availability, errors: { status_5xx: 5 }, objectives: { availability: 99 } }),
        endpoint({ name: 'search', availability, errors: { status_5xx: 5 }, objectives: {} }),
      ])
    alerts.evaluate(failing(50), T0)
    alerts.evaluate(failing(0), T0 + INTERVAL)

    const summaries = Object.fromEntries(alerts.firing().map(a => [a.rule, a.summary]))
    expect(summaries.endpoint_availability).toBe('api availability 0% under its objective of 99%')
    expect(summaries.endpoint_error_rate).toBe(
      'search error rate 100% (over 10%): 5 of 5 probe requests failed (status_5xx 5)',
    )
  })

  it('gives endpoint_down its bound in words, and words a partial recovery still firing', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const [event] = alerts.evaluate(snapshot([endpoint({ availability: 0, p95: null })]), T0)
    expect(event?.alert).toMatchObject({
      rule: 'endpoint_down',
      value: 0,
      threshold: null,
      thresholdText: 'any success',
      clearThreshold: 50,
    })

    alerts.evaluate(snapshot([endpoint({ availability: 40 })]), T0 + INTERVAL)
    expect(alerts.firing()[0]?.summary).toBe(
      'api availability 40%, under the 50% it must reach to resolve',
    )
    const [resolved] = alerts.evaluate(
      snapshot([endpoint({ availability: 60 })]),
      T0 + 2 * INTERVAL,
    )
    expect(resolved?.alert.summary).toBe('api availability 60%: back at or above 50%')
  })

  it('raises endpoint_availability under its objective and clears halfway to 100%', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const at = (availability: number) =>
      snapshot([endpoint({ availability, objectives: { availability: 90 } })])

    const fired = alerts.evaluate(at(80), T0)
    expect(fired.map(e => [e.alert.rule, e.alert.severity, e.alert.clearThreshold])).toEqual([
      ['endpoint_availability', 'high', 95],
    ])
    expect(alerts.evaluate(at(92), T0 + INTERVAL)).toEqual([])
    expect(names(alerts.evaluate(at(96), T0 + 2 * INTERVAL))).toEqual([
      'alert_resolved:endpoint_availability',
    ])
  })

  it('raises endpoint_error_rate for endpoints without an availability objective', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const events = alerts.evaluate(
      snapshot([endpoint({ availability: 80, errors: { status_5xx: 1 } })]),
      T0,
    )
    expect(events.map(e => [e.alert.rule, e.alert.value, e.alert.labels.metric])).toEqual([
      ['endpoint_error_rate', 20, 'error_rate'],
    ])
    const withObjective = manager({ alerts: { forMs: 0 } }).evaluate(
      snapshot([endpoint({ availability: 80, objectives: { availability: 50 } })]),
      T0,
    )
    expect(withObjective).toEqual([])
  })

  it('judges p50 and p99 budgets too, one alert per metric', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const slow = endpoint({ p50: 120, p95: 200, p99: 900, objectives: { p50: 100, p99: 800 } })
    const events = alerts.evaluate(snapshot([slow]), T0)
    expect(events.map(e => e.alert.labels.metric).sort()).toEqual(['p50', 'p99'])
  })
})

describe('rules from resource levels', () => {
  it('raises warning (medium) and critical (high) for CPU with hysteresis below each level', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const cpu = (value: number) => snapshot([], { cpu: value })

    expect(alerts.evaluate(cpu(72), T0).map(e => [e.alert.rule, e.alert.severity])).toEqual([
      ['host_resource_warning', 'medium'],
    ])
    expect(alerts.evaluate(cpu(88), T0 + INTERVAL).map(e => e.alert.rule)).toEqual([
      'host_resource_critical',
    ])
    // 82 is below critical (85) but above its clear bound (80): both stay.
    expect(alerts.evaluate(cpu(82), T0 + 2 * INTERVAL)).toEqual([])
    expect(names(alerts.evaluate(cpu(68), T0 + 3 * INTERVAL))).toEqual([
      'alert_resolved:host_resource_critical',
    ])
    expect(names(alerts.evaluate(cpu(64), T0 + 4 * INTERVAL))).toEqual([
      'alert_resolved:host_resource_warning',
    ])
  })

  it('treats a critical disk as data at risk (critical, P0) and follows configured levels', () => {
    const alerts = manager({
      alerts: { forMs: 0 },
      levels: { memory: { normal: 30, warning: 50, critical: 60 } },
    })
    const events = alerts.evaluate(snapshot([], { disk: 96, memory: 55 }), T0)
    const summary = events.map(e => [e.alert.rule, e.alert.labels.metric, e.alert.severity])
    expect(summary).toEqual([
      ['host_disk_critical', 'disk', 'critical'],
      ['host_resource_warning', 'memory', 'medium'],
      ['host_resource_warning', 'disk', 'medium'],
    ])
    const memory = events.find(e => e.alert.labels.metric === 'memory')!.alert
    expect(memory).toMatchObject({ threshold: 50, clearThreshold: 45 })
    expect(memory.details).toMatchObject({ level: 'warning', warning_pct: 50 })
  })

  it('rejects levels that do not increase, naming the option', () => {
    expect(() => manager({ levels: { cpu: { normal: 40, warning: 90, critical: 80 } } })).toThrow(
      /levels\.cpu\.critical/,
    )
  })
})

describe('rules from insights and predictions', () => {
  it('raises an anomaly alert (low) at once and resolves it when no anomaly is recent', () => {
    const alerts = manager()
    const anomaly: MonitorAnomaly = {
      component: 'api',
      metric: 'p95',
      at: T0 - 5_000,
      t: 300,
      value: 180,
      score: 6.2,
      method: 'robust-z',
      reason: 'p95 180 ms is 6.2 robust z-scores above the median of 40 ms',
    }
    const events = alerts.evaluate(input(snapshot(), [anomaly]), T0)
    expect(events.map(e => [e.alert.rule, e.alert.severity, e.alert.priority])).toEqual([
      ['anomaly', 'low', 'P3'],
    ])
    expect(events[0]!.alert.summary).toBe(`anomaly in api/p95: ${anomaly.reason}`)
    expect(events[0]!.alert.details).toMatchObject({ method: 'robust-z', score: 6.2 })

    // Three intervals later the same anomaly is no longer recent.
    const later = alerts.evaluate(input(snapshot(), [anomaly]), T0 + 3 * INTERVAL)
    expect(names(later)).toEqual(['alert_resolved:anomaly'])
  })

  it('raises predicted_breach (low) after `for` while a breach is forecast', () => {
    const alerts = manager({ alerts: { forMs: INTERVAL } })
    const disk = (breachExpected: boolean) =>
      prediction({
        predicted: breachExpected ? 83 : 75,
        minutesToThreshold: breachExpected ? 42 : null,
        breachExpected,
      })
    expect(alerts.evaluate(input(snapshot(), [], [disk(true)]), T0)).toEqual([])
    const [fired] = alerts.evaluate(input(snapshot(), [], [disk(true)]), T0 + INTERVAL)
    expect(fired?.alert).toMatchObject({ rule: 'predicted_breach', severity: 'low', value: 83 })
    expect(fired?.alert.summary).toBe(
      'host/disk is predicted to cross 80% in about 42 min (now 72%, holt)',
    )
    const resolved = alerts.evaluate(input(snapshot(), [], [disk(false)]), T0 + 2 * INTERVAL)
    expect(names(resolved)).toEqual(['alert_resolved:predicted_breach'])
  })

  it('keeps predicted_breach firing while the crossing stays within two horizons', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const memory = (minutesToThreshold: number | null, breachExpected: boolean) =>
      prediction({
        metric: 'memory',
        current: 70,
        predicted: breachExpected ? 76 : 74.5,
        interval: [72, 79],
        threshold: 75,
        minutesToThreshold,
        breachExpected,
      })
    const at = (i: number, p: Prediction) =>
      alerts.evaluate(input(snapshot(), [], [p]), T0 + i * INTERVAL)

    expect(names(at(0, memory(55, true)))).toEqual(['alert_fired:predicted_breach'])
    // The forecast falls just short of the threshold at the horizon: no resolve, no new fire.
    expect(at(1, memory(65, false))).toEqual([])
    expect(alerts.active()[0]?.summary).toBe(
      'host/memory trends towards 75%, reaching it in about 65 min, beyond the 60 min horizon (now 70%)',
    )
    expect(at(2, memory(58, true))).toEqual([])
    expect(at(3, memory(119, false))).toEqual([])
    expect(names(at(4, memory(121, false)))).toEqual(['alert_resolved:predicted_breach'])

    // A trend that turns away resolves at once.
    expect(names(at(5, memory(50, true)))).toEqual(['alert_fired:predicted_breach'])
    expect(names(at(6, memory(null, false)))).toEqual(['alert_resolved:predicted_breach'])
  })

  it('writes an availability objective of 99.95 as 99.95%, not 100%', () => {
    const alerts = manager({ alerts: { forMs: 0 } })
    const health = prediction({
      component: 'health',
      metric: 'availability',
      current: 99.99,
      predicted: 99.9,
      interval: [99.8, 100],
      threshold: 99.95,
      minutesToThreshold: 20,
    })
    const [fired] = alerts.evaluate(input(snapshot(), [], [health]), T0)
    expect(fired?.alert.summary).toBe(
      'health/availability is predicted to cross 99.95% in about 20 min (now 99.99%, holt)',
    )
  })

  it('drops a pending alert whose rule no longer reports it', () => {
    const alerts = manager({ alerts: { forMs: INTERVAL } })
    const breach = prediction({
      component: 'api',
      metric: 'p95',
      unit: 'ms',
      current: 250,
      predicted: 320,
      interval: null,
      threshold: 300,
      minutesToThreshold: 20,
      method: 'linear',
    })
    alerts.evaluate(input(snapshot(), [], [breach]), T0)
    expect(alerts.active().map(a => a.state)).toEqual(['pending'])
    alerts.evaluate(input(snapshot(), [], []), T0 + INTERVAL)
    expect(alerts.active()).toEqual([])
  })

  it('can turn the insight rules off', () => {
    const alerts = manager({ tuning: { anomalies: false, predictions: false } })
    expect(alerts.checks().map(c => c.name)).not.toContain('anomaly')
    expect(alerts.checks().map(c => c.name)).not.toContain('predicted_breach')
  })
})

describe('configured threshold rules', () => {
  it('fires on a custom collector above its threshold and clears 10% below by default', () => {
    const alerts = manager({
      alerts: {
        forMs: 0,
        defaultRules: false,
        rules: [
          {
            name: 'queue-backlog',
            severity: 'medium',
            component: 'custom',
            metric: 'queue_depth',
            comparator: '>',
            threshold: 100,
            summary: 'queue depth {value} over {threshold}',
          },
        ],
      },
    })
    expect(alerts.checks().map(c => c.name)).toEqual(['queue-backlog'])
    const at = (depth: number) => snapshot([], {}, { queue_depth: depth })

    const [fired] = alerts.evaluate(at(150), T0)
    expect(fired?.alert).toMatchObject({ summary: 'queue depth 150 over 100', clearThreshold: 90 })
    expect(alerts.evaluate(at(95), T0 + INTERVAL)).toEqual([])
    expect(names(alerts.evaluate(at(85), T0 + 2 * INTERVAL))).toEqual([
      'alert_resolved:queue-backlog',
    ])
  })

  it('fires on a floor rule (`<`) of a host series', () => {
    const alerts = manager({
      alerts: {
        forMs: 0,
        defaultRules: false,
        rules: [
          {
            name: 'no-traffic',
            severity: 'low',
            component: 'host',
            metric: 'network_rx',
            comparator: '<',
            threshold: 100,
            clearThreshold: 500,
          },
        ],
      },
    })
    const [fired] = alerts.evaluate(snapshot([], { network_rx: 20 }), T0)
    expect(fired?.alert.summary).toBe('host/network_rx 20 B/s below 100 B/s')
    expect(alerts.evaluate(snapshot([], { network_rx: 300 }), T0 + INTERVAL)).toEqual([])
  })

  it('words a threshold rule by its value: a resolve reads back below, not over', () => {
    const rule = (comparator: '>' | '<', summary?: string) => ({
      name: 'counter-high',
      severity: 'medium' as const,
      component: 'custom',
      metric: 'counter',
      comparator,
      threshold: 40,
      clearThreshold: comparator === '>' ? 30 : 50,
      ...(summary === undefined ? {} : { summary }),
    })
    const run = (comparator: '>' | '<', values: number[], summary?: string) => {
      const alerts = manager({
        alerts: { forMs: 0, defaultRules: false, rules: [rule(comparator, summary)] },
      })
      return values.flatMap((counter, i) =>
        alerts
          .evaluate(snapshot([], {}, { counter }), T0 + i * INTERVAL)
          .map(e => `${e.type}: ${e.alert.summary}`),
      )
    }

    expect(run('>', [45, 0], 'counter {value} {state} {threshold}')).toEqual([
      'alert_fired: counter 45 above 40',
      'alert_resolved: counter 0 back below 40',
    ])
    expect(run('>', [45, 0])).toEqual([
      'alert_fired: custom/counter 45 above 40',
      'alert_resolved: custom/counter 0 back below 40',
    ])
    expect(run('<', [10, 60])).toEqual([
      'alert_fired: custom/counter 10 below 40',
      'alert_resolved: custom/counter 60 back above 40',
    ])
  })

  it('rejects bad rules before anything runs, naming the option', () => {
    const rule = P95_RULE
    const bad = (patch: Record<string, unknown>) => () =>
      resolveAlertConfig({ alerts: { rules: [{ ...rule, ...patch } as typeof rule] } })

    expect(bad({ comparator: '>=' })).toThrow(PerfConfigError)
    expect(bad({ comparator: '>=' })).toThrow(/alerts\.rules\[0\]\.comparator: got ">="; allowed/)
    expect(bad({ severity: 'urgent' })).toThrow(/alerts\.rules\[0\]\.severity/)
    expect(bad({ name: 'endpoint_down' })).toThrow(/built-in rules/)
    expect(bad({ clearThreshold: 120 })).toThrow(/clearThreshold: got 120; allowed: .*at or below/)
    expect(() => resolveAlertConfig({ alerts: { forMs: -1 } })).toThrow(/alerts\.forMs/)
  })

  it('judges a rule against the endpoints it is given, and any component as an endpoint without them', () => {
    const rules = (patch: Record<string, unknown>) => ({
      alerts: { rules: [{ ...P95_RULE, ...patch } as typeof P95_RULE] },
    })
    const endpoints = [{ name: 'api' }, { name: 'web' }]
    expect(() => resolveAlertConfig({ ...rules({ component: 'wen' }), endpoints })).toThrow(
      'alerts.rules[0].component: got "wen"; did you mean web? allowed: host, custom, api, web',
    )
    expect(resolveAlertConfig({ ...rules({ component: 'web' }), endpoints }).rules).toHaveLength(1)
    // A manager built alone knows no endpoints: the metric is still one an endpoint has.
    expect(resolveAlertConfig(rules({ component: 'wbe' })).rules).toHaveLength(1)
    expect(() => resolveAlertConfig(rules({ component: 'wbe', metric: 'latency' }))).toThrow(
      'alerts.rules[0].metric: got "latency"; allowed for endpoint wbe: p50, p95, p99, availability',
    )
    // createAlertManager checks the same, so a monitor's own options hold it to its endpoints.
    expect(() =>
      createAlertManager({ ...rules({ component: 'host', metric: 'cpuu' }), env: {} }),
    ).toThrow(/alerts\.rules\[0\]\.metric: got "cpuu"; did you mean cpu\?/)
  })

  it('checks custom metrics against the collectors when they are all known', () => {
    const custom = (metric: string) => [{ ...P95_RULE, component: 'custom', metric }]
    const collectors = ['queue_depth', 'pool']
    expect(() => checkCustomMetrics(custom('queue_depth'), collectors)).not.toThrow()
    // A collector returning an object gives <collector>.<key>; its keys come at run time.
    expect(() => checkCustomMetrics(custom('pool.idle'), collectors)).not.toThrow()
    expect(() => checkCustomMetrics(custom('queue_dept'), collectors)).toThrow(
      'alerts.rules[0].metric: got "queue_dept"; did you mean queue_depth? allowed for custom: ' +
        'queue_depth, pool, or <collector>.<key> for a collector returning an object',
    )
    expect(() => checkCustomMetrics(custom('queue_depth'), [])).toThrow(
      /^alerts\.rules\[0\]\.metric: got "queue_depth"; allowed: a collector name, and no collectors are configured/,
    )
    // Other components are not its business.
    expect(() => checkCustomMetrics([P95_RULE], [])).not.toThrow()
  })
})

describe('manager plumbing', () => {
  it('keeps evaluating other rules when one throws', () => {
    const broken = {
      name: 'broken',
      severity: 'low' as const,
      source: 'threshold' as const,
      forMs: 0,
      repeatIntervalMs: 0,
      check: () => {
        throw new Error('boom')
      },
    }
    const config = resolveAlertConfig({ intervalMs: INTERVAL, alerts: { forMs: 0 } })
    const good = createAlertManager({ intervalMs: INTERVAL, env: {}, alerts: { forMs: 0 } })
    const alerts = new AlertManager({ checks: [broken, ...good.checks()], clock: () => T0 })
    expect(config.forMs).toBe(0)
    expect(names(alerts.evaluate(p95(400)))).toEqual(['alert_fired:endpoint_latency'])
  })

  it('queues every event to each notifier and reports failing notifiers as problems', () => {
    const received: AlertNotification[] = []
    const status: NotifierStatus = {
      name: 'slack',
      kind: 'slack',
      target: 'https://hooks.slack.com',
      queued: 0,
      sent: 0,
      failures: 2,
      retries: 6,
      dropped: 0,
      lastError: 'HTTP 500: upstream broke',
      lastErrorAt: '2026-01-01T00:01:00.000Z',
      failingSince: '2026-01-01T00:00:30.000Z',
      lastSuccessAt: null,
    }
    const fake: Notifier = {
      name: 'slack',
      kind: 'slack',
      notify: event => received.push(event),
      status: () => status,
      flush: async () => {},
      close: async () => {},
    }
    const alerts = manager({ alerts: { forMs: 0 }, notifierInstances: [fake] })
    alerts.evaluate(p95(400), T0)
    alerts.evaluate(p95(100), T0 + INTERVAL)

    expect(received.map(e => e.type)).toEqual(['alert_fired', 'alert_resolved'])
    expect(alerts.problems()).toEqual([
      {
        kind: 'notifier',
        name: 'slack',
        message: 'HTTP 500: upstream broke (2 failed, 0 dropped)',
        since: '2026-01-01T00:00:30.000Z',
      },
    ])
  })

  it('builds notifiers from the environment when none are configured', () => {
    const alerts = createAlertManager({
      env: {
        SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/services/T000/B000/secret',
        PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0123456789',
      },
    })
    expect(alerts.notifiers().map(n => [n.kind, n.status().target])).toEqual([
      ['slack', 'http://127.0.0.1:9'],
      ['pagerduty', 'https://events.pagerduty.com'],
    ])
    return alerts.close(100)
  })

  it('keeps notifying the other notifiers when one throws', () => {
    const received: string[] = []
    const base = {
      kind: 'webhook' as const,
      status: () => ({}) as NotifierStatus,
      flush: async () => {},
      close: async () => {},
    }
    const throwing: Notifier = {
      ...base,
      name: 'broken',
      notify: () => {
        throw new Error('nope')
      },
    }
    const working: Notifier = { ...base, name: 'ok', notify: e => received.push(e.alert.rule) }
    const alerts = manager({ alerts: { forMs: 0 }, notifierInstances: [throwing, working] })
    expect(names(alerts.evaluate(p95(400), T0))).toEqual(['alert_fired:endpoint_latency'])
    expect(received).toEqual(['endpoint_latency'])
  })

  it('maps a perf objective table row to the monitor objectives', () => {
    expect(
      endpointObjectivesFrom({ p50: 50, p95: 150, p99: 300, max: 900, successRate: 99.9 }),
    ).toEqual({ p50: 50, p95: 150, p99: 300, availability: 99.9 })
    expect(endpointObjectivesFrom({ throughput: 50 })).toEqual({})
  })

  it('sorts active alerts worst first, firing before pending', () => {
    const alerts = manager({ alerts: { forMs: 60_000 } })
    alerts.evaluate(snapshot([endpoint({ p95: 400 })], { cpu: 75 }), T0)
    alerts.evaluate(snapshot([endpoint({ p95: 400, availability: 0 })], { cpu: 75 }), T0 + 60_000)
    expect(alerts.active().map(a => [a.rule, a.state])).toEqual([
      ['endpoint_down', 'pending'],
      ['endpoint_latency', 'firing'],
      ['host_resource_warning', 'firing'],
    ])
  })
})

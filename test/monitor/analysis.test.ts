import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/insights/index.js'
import { createAlertManager } from '../../src/monitor/alerts/index.js'
import { analyse, predict } from '../../src/monitor/analysis.js'
import { HistoryStore } from '../../src/monitor/history/store.js'
import { resolveMonitorOptions } from '../../src/monitor/options.js'
import type { MonitorSnapshot, Prediction, SeriesKey } from '../../src/monitor/types.js'

const T0 = Date.parse('2026-01-01T00:00:00Z')
const HORIZON = 60

const options = resolveMonitorOptions(
  {
    baseUrl: 'http://127.0.0.1:1',
    endpoints: [
      { name: 'think', path: '/think', objectives: { p95: 2000 } },
      { name: 'search', path: '/search', objectives: { p50: 100 } },
      { name: 'health', path: '/health', objectives: { availability: 99.95 } },
    ],
  },
  {},
)

/** A history holding the given series, `count` points each, `stepMs` apart, ending at `end`. */
function historyOf(
  series: Record<SeriesKey, (i: number) => number>,
  count: number,
  stepMs: number,
): { history: HistoryStore; end: number } {
  const history = new HistoryStore({ maxHistorySize: 10_000, redisUrl: null, prefix: 'test' })
  for (let i = 0; i < count; i++) {
    const t = T0 + i * stepMs
    history.append(
      Object.entries(series).map(([key, value]) => ({ series: key as SeriesKey, t, v: value(i) })),
    )
  }
  return { history, end: T0 + (count - 1) * stepMs }
}

/** Uniform noise in [-1, 1), the same on every run. */
function noise(seed: number): () => number {
  const random = seededRandom(seed)
  return () => random() * 2 - 1
}

function find(predictions: Prediction[], component: string, metric: string): Prediction {
  const found = predictions.find(p => p.component === component && p.metric === metric)
  if (!found) throw new Error(`no prediction for ${component}/${metric}`)
  return found
}

/** What the fixture service looks like when healthy: flat series with noise and spikes. */
/** The prediction for the health endpoint's availability over 61 points 30 s apart, capped at 100%. */
function predictAvailability(at: (i: number) => number): Prediction {
  const { history, end } = historyOf(
    { 'health/availability': i => Math.min(100, at(i)) },
    61,
    30_000,
  )
  return find(predict(history, options, HORIZON, end).predictions, 'health', 'availability')
}

function healthySeries(seed: number): Record<SeriesKey, (i: number) => number> {
  const n = noise(seed)
  return {
    'host/cpu': () => 4.5 + 3 * Math.abs(n()),
    'host/memory': i => 2.3 - i * 0.0004 + 0.02 * n(),
    'host/network_rx': i => (i % 17 === 16 ? 2800 : Math.max(0, 20 * n())),
    'think/p95': () => 490 + 60 * n(),
    'search/p50': () => 3 + 0.4 * n(),
    'health/availability': i => (i === 5 ? 80 : 100),
  }
}

describe('predictions on a healthy service', () => {
  it('does not predict that a falling memory series at 2% crosses its 75% warning level', () => {
    // 30 minutes at a 30 s interval, falling from 3% to 2%: a real, steady trend, away from 75%.
    const n = noise(1)
    const { history, end } = historyOf({ 'host/memory': i => 3 - i / 60 + 0.01 * n() }, 61, 30_000)
    const memory = find(predict(history, options, HORIZON, end).predictions, 'host', 'memory')

    expect(memory.threshold).toBe(75)
    expect(memory.current).toBeCloseTo(2, 1)
    expect(memory.breachExpected).toBe(false)
    expect(memory.minutesToThreshold).toBeNull()
    expect(memory.predicted).toBeGreaterThanOrEqual(0)
    expect(memory.predicted).toBeLessThan(2)
  })

  it('gives no forecast from 15 points over 30 s, and says why', () => {
    const { history, end } = historyOf(healthySeries(2), 15, 2000)
    const { predictions } = predict(history, options, HORIZON, end)

    for (const prediction of predictions) {
      expect(prediction.predicted).toBeNull()
      expect(prediction.interval).toBeNull()
      expect(prediction.minutesToThreshold).toBeNull()
      expect(prediction.breachExpected).toBe(false)
      expect(prediction.method).toBe('none: 15 points over 0.5 min; a forecast needs 30 over 5 min')
    }
  })

  it('forecasts a flat, noisy series within the range it has shown, without a breach', () => {
    // Ten minutes at a 2 s interval: long enough for a forecast, with no trend in it.
    for (const seed of [3, 4, 5, 6, 7]) {
      const { history, end } = historyOf(healthySeries(seed), 300, 2000)
      const { predictions } = predict(history, options, HORIZON, end)

      expect(predictions.filter(p => p.breachExpected)).toEqual([])
      const think = find(predictions, 'think', 'p95')
      expect(think.predicted).toBeGreaterThanOrEqual(430)
      expect(think.predicted).toBeLessThanOrEqual(550)
      const cpu = find(predictions, 'host', 'cpu')
      expect(cpu.predicted).toBeGreaterThanOrEqual(4.5)
      expect(cpu.predicted).toBeLessThanOrEqual(7.5)
      for (const p of predictions) {
        if (p.unit !== '') expect(p.interval?.[0]).toBeGreaterThanOrEqual(0)
      }
    }
  })

  it('keeps forecasts in the physical range: latency and bytes >= 0, percent 0..100', () => {
    // Steep, clean trends over 20 minutes that a straight line would carry out of range.
    const { history, end } = historyOf(
      {
        'search/p50': i => 100 - i * 2.4,
        'host/network_rx': i => 50_000 - i * 1200,
        'host/cpu': i => 20 + i * 1.9,
      },
      41,
      30_000,
    )
    const { predictions } = predict(history, options, HORIZON, end)
    const p50 = find(predictions, 'search', 'p50')
    const rx = find(predictions, 'host', 'network_rx')
    const cpu = find(predictions, 'host', 'cpu')

    expect(p50.predicted).toBe(0)
    expect(p50.interval?.[0]).toBe(0)
    expect(rx.predicted).toBe(0)
    expect(cpu.predicted).toBe(100)
    expect(cpu.interval?.[1]).toBe(100)
  })

  it('does not predict that an availability recovering towards 100% falls below its objective', () => {
    const n = noise(8)
    const health = predictAvailability(i => 99 + i / 40 + 0.05 * n())

    expect(health.threshold).toBe(99.95)
    expect(health.breachExpected).toBe(false)
    expect(health.minutesToThreshold).toBeNull()
  })
})

describe('predictions of a series that stopped', () => {
  it('gives no current value or forecast once a series has had no reading for a few intervals', () => {
    // A healthy p95 until an endpoint stopped answering: no latency is recorded since.
    const { history, end } = historyOf({ 'search/p50': () => 3 }, 61, 30_000)
    const fresh = find(predict(history, options, HORIZON, end).predictions, 'search', 'p50')
    expect(fresh.current).toBe(3)
    const later = end + 3 * options.intervalMs
    const stale = find(predict(history, options, HORIZON, later).predictions, 'search', 'p50')
    expect(stale).toMatchObject({ current: null, predicted: null, interval: null })
    expect(stale.method).toBe('none: no reading since 00:30:00 UTC')
  })
})

describe('predictions on a real trend', () => {
  it('expects memory rising 20 points an hour from 60% to cross 75% in about 15 minutes', () => {
    const n = noise(9)
    const { history, end } = historyOf({ 'host/memory': i => 50 + i / 6 + 0.3 * n() }, 121, 30_000)
    const memory = find(predict(history, options, HORIZON, end).predictions, 'host', 'memory')

    expect(memory.current).toBeCloseTo(70, 0)
    expect(memory.breachExpected).toBe(true)
    expect(memory.predicted).toBeGreaterThan(75)
    expect(memory.minutesToThreshold).toBeGreaterThan(12)
    expect(memory.minutesToThreshold).toBeLessThan(18)
  })

  it('expects an availability falling towards its objective to cross it', () => {
    const n = noise(10)
    const health = predictAvailability(i => 100 - i / 2000 + 0.002 * n())

    expect(health.current).toBeGreaterThan(99.95)
    expect(health.breachExpected).toBe(true)
    expect(health.predicted).toBeLessThan(99.95)
    expect(health.minutesToThreshold).toBeGreaterThan(0)
    expect(health.minutesToThreshold).toBeLessThan(HORIZON)
  })

  it('does not report a breach for a series already past its threshold', () => {
    const { history, end } = historyOf({ 'host/memory': i => 80 + i / 10 }, 61, 30_000)
    const memory = find(predict(history, options, HORIZON, end).predictions, 'host', 'memory')

    expect(memory.current).toBe(86)
    expect(memory.breachExpected).toBe(false)
    expect(memory.minutesToThreshold).toBe(0)
  })
})

describe('anomalies', () => {
  it('finds none in a healthy service: flat series near 0 moving by a few bytes or ms', () => {
    for (const seed of [11, 12, 13]) {
      const { history, end } = historyOf(healthySeries(seed), 120, 2000)
      const insights = analyse(history, end)
      expect(insights.anomalies.map(a => a.reason)).toEqual([])
    }
  })

  it('judges nothing before a series has 30 points over 5 minutes', () => {
    // 21 points over 6.7 minutes, then 100 points over 3.3 minutes, each ending in a spike.
    for (const [count, stepMs] of [
      [21, 20_000],
      [100, 2000],
    ] as const) {
      const n = noise(14)
      const { history, end } = historyOf(
        { 'think/p95': i => (i === count - 1 ? 5000 : 40 + 2 * n()) },
        count,
        stepMs,
      )
      const insights = analyse(history, end)
      expect(insights.anomalies).toEqual([])
      expect(insights.trends).toEqual([])
    }
  })

  it('finds a latency spike of ten times the level', () => {
    const n = noise(15)
    const { history, end } = historyOf(
      { 'think/p95': i => (i === 198 ? 400 : 40 + 2 * n()) },
      200,
      2000,
    )
    const [spike, ...others] = analyse(history, end).anomalies

    expect(others).toEqual([])
    expect(spike).toMatchObject({ component: 'think', metric: 'p95', value: 400 })
    expect(spike?.at).toBe(T0 + 198 * 2000)
    expect(spike?.score).toBeGreaterThan(3.5)
  })

  it('says when in clock time, and sums up a run of bad points in one line per series', () => {
    const n = noise(17)
    const { history, end } = historyOf(
      { 'think/p95': i => (i >= 197 ? 400 + i : 40 + 2 * n()) },
      200,
      2000,
    )
    const insights = analyse(history, end)
    expect(insights.anomalies.length).toBeGreaterThan(1)
    // 198 points of 2 s after midnight UTC: 00:06:36; the worst of the run leads its line.
    expect(insights.summary).toEqual([
      expect.stringMatching(
        /^think p95 was 599 ms at 00:06:38 UTC, .* \(and \d+ more of its recent points?\)$/,
      ),
    ])
    expect(insights.anomalies.every(a => !a.reason.includes('t='))).toBe(true)
  })

  it('finds a network burst of megabytes per second on an idle interface', () => {
    const n = noise(16)
    const { history, end } = historyOf(
      { 'host/network_rx': i => (i === 195 ? 5_000_000 : Math.max(0, 200 * n())) },
      200,
      2000,
    )
    const found = analyse(history, end).anomalies
    expect(found.map(a => [a.component, a.metric, a.value])).toEqual([
      ['host', 'network_rx', 5_000_000],
    ])
  })
})

describe('alerts from the analysis', () => {
  const snapshot = (end: number): MonitorSnapshot => ({
    time: new Date(end).toISOString(),
    sequence: 1,
    intervalMs: 2000,
    durationMs: 10,
    endpoints: [],
    host: { cpu: 5, memory: 2, disk: 30, network_rx: 0, network_tx: 0, load: 0.5 },
    custom: {},
  })

  it('raises no prediction or anomaly alert on a healthy service over ten minutes', () => {
    const alerts = createAlertManager({ intervalMs: 2000, env: {}, alerts: { forMs: 0 } })
    const series = healthySeries(17)
    const events: string[] = []
    // Every interval analyses the history so far, as the monitor does.
    for (let count = 10; count <= 300; count += 5) {
      const { history, end } = historyOf(series, count, 2000)
      const input = {
        snapshot: snapshot(end),
        insights: analyse(history, end),
        predictions: predict(history, options, HORIZON, end),
      }
      for (const event of alerts.evaluate(input, end)) {
        events.push(`${event.type} ${event.alert.rule} ${event.alert.summary}`)
      }
    }
    expect(events).toEqual([])
  })

  it('raises predicted_breach for memory rising towards its warning level', () => {
    const alerts = createAlertManager({ intervalMs: 30_000, env: {}, alerts: { forMs: 0 } })
    const n = noise(18)
    const { history, end } = historyOf({ 'host/memory': i => 50 + i / 6 + 0.3 * n() }, 121, 30_000)
    const input = {
      snapshot: snapshot(end),
      insights: analyse(history, end),
      predictions: predict(history, options, HORIZON, end),
    }
    const fired = alerts.evaluate(input, end).map(e => [e.type, e.alert.rule, e.alert.summary])

    expect(fired).toHaveLength(1)
    expect(fired[0]?.[1]).toBe('predicted_breach')
    expect(fired[0]?.[2]).toMatch(/^host\/memory is predicted to cross 75% in about 1\d min/)
  })
})

import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import { createAlertManager } from '../../src/monitor/alerts/index.js'
import { Collectors } from '../../src/monitor/collectors.js'
import { HistoryStore } from '../../src/monitor/history/store.js'
import type { Monitor, MonitorInsights, MonitorMessage, Probe } from '../../src/monitor/index.js'
import { createMonitor } from '../../src/monitor/index.js'
import { resolveMonitorOptions } from '../../src/monitor/options.js'
import { Sampler } from '../../src/monitor/sampler.js'
import { intervals, steadySnapshot, until } from './helpers.js'

setLogger(createLogger('silent'))

const endpoints = [{ name: 'api', url: 'http://127.0.0.1:9/never-contacted' }]

const answer = steadySnapshot

describe('sampling loop', () => {
  let monitor: Monitor | undefined

  afterEach(async () => {
    await monitor?.stop()
    monitor = undefined
  })

  it('never runs two intervals at once, and reports the slots a long interval skipped', async () => {
    let running = 0
    let most = 0
    const slow: Probe = async endpoint => {
      running++
      most = Math.max(most, running)
      await sleep(250)
      running--
      return answer(endpoint)
    }
    monitor = createMonitor(
      { port: 0, intervalMs: 100, hostResources: false, endpoints, probe: { timeoutMs: 1000 } },
      { probe: slow, alerts: null },
    )
    await monitor.start()
    await intervals(monitor, 4)
    expect(most).toBe(1)
    const overrun = monitor
      .health()
      .problems.find(p => p.kind === 'sampling' && p.name === 'overrun')
    expect(overrun?.message).toMatch(/took longer than the 100 ms interval; \d+ slot\(s\) skipped/)
    // Sequence numbers count intervals run, one after another, without gaps.
    expect(monitor.latest()?.sequence).toBeGreaterThanOrEqual(4)
  })

  it('bounds a probe that never returns and carries on', async () => {
    const hanging: Probe = () => new Promise(() => {})
    monitor = createMonitor(
      {
        port: 0,
        intervalMs: 100,
        hostResources: false,
        endpoints,
        probe: { requests: 3, timeoutMs: 50 },
      },
      { probe: hanging, alerts: null },
    )
    await monitor.start()
    await intervals(monitor, 2, 10_000)
    const api = monitor.latest()?.endpoints[0]
    expect(api).toMatchObject({ availability: 0, p95: null, requests: 3, errors: { timeout: 3 } })
    expect(api?.probeError).toMatch(/did not finish within 1050 ms \(target hanging\?\)/)
    expect(monitor.health().problems.find(p => p.kind === 'probe')?.name).toBe('api')
  })

  it('turns a probe that throws into an unavailable interval and a health problem', async () => {
    const throwing: Probe = async () => {
      throw new Error('socket exploded')
    }
    monitor = createMonitor(
      { port: 0, intervalMs: 100, hostResources: false, endpoints },
      { probe: throwing, alerts: null },
    )
    await monitor.start()
    await intervals(monitor, 2)
    expect(monitor.latest()?.endpoints[0]).toMatchObject({ availability: 0, errors: { probe: 5 } })
    const problem = monitor.health().problems.find(p => p.kind === 'probe')
    expect(problem?.message).toMatch(/probe of api failed: socket exploded/)
  })

  it('stops between intervals: no message after stop() resolves', async () => {
    monitor = createMonitor({ port: 0, intervalMs: 50, hostResources: false }, { alerts: null })
    let messages = 0
    monitor.onMessage(() => messages++)
    await monitor.start()
    await until(() => messages >= 3)
    await monitor.stop()
    const seen = messages
    await sleep(200)
    expect(messages).toBe(seen)
  })
})

describe('ai_insights messages', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('are sent when the analysis changes, and not on intervals that change nothing', async () => {
    // Only Date is faked: each interval is stamped 30 s after the last, so the analysis has its
    // 5 minutes of history after a few dozen intervals run back to back.
    vi.useFakeTimers({ toFake: ['Date'] })
    let now = Date.parse('2026-01-01T00:00:00Z')
    let value = 10
    const monitor = createMonitor(
      { port: 0, intervalMs: 30_000, hostResources: false, endpoints: [] },
      { alerts: null },
    )
    monitor.addCollector('queue_depth', () => value)
    const insights: MonitorInsights[] = []
    monitor.onMessage(message => {
      if (message.type === 'ai_insights') insights.push(message.insights)
    })
    const step = async (v: number) => {
      now += 30_000
      vi.setSystemTime(now)
      value = v
      await monitor.sample()
    }

    // The first analysis is news; 40 flat intervals after it are not.
    for (let i = 0; i < 41; i++) await step(10 + (i % 2) * 0.1)
    expect(insights).toHaveLength(1)
    expect(insights[0]?.anomalies).toEqual([])

    // A spike is: one message, naming it.
    await step(500)
    expect(insights).toHaveLength(2)
    expect(insights[1]?.anomalies.map(a => `${a.component}/${a.metric}`)).toEqual([
      'custom/queue_depth',
    ])

    // The same spike seen again from the following intervals is not news.
    await step(10)
    await step(10.1)
    expect(insights).toHaveLength(2)
    await monitor.stop()
  })
})

describe('the first live sample after a start', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is never judged an anomaly, while as high a sample later is, and stays in the history', async () => {
    // Only Date is faked: each interval is stamped 30 s after the last.
    vi.useFakeTimers({ toFake: ['Date'] })
    let now = Date.parse('2026-01-01T00:00:00Z')
    // An hour of api p95 at a steady 2 ms, as a monitor finds it in Redis at start.
    const history = new HistoryStore({ maxHistorySize: 1000, redisUrl: null, prefix: 'x' })
    for (let i = 120; i > 0; i--) {
      history.append([{ series: 'api/p95', t: now - i * 30_000, v: 2 + (i % 3) * 0.1 }])
    }

    let p95 = 25
    const probe: Probe = async endpoint => ({ ...answer(endpoint), p95 })
    const options = resolveMonitorOptions(
      { intervalMs: 30_000, hostResources: false, endpoints, alerts: { forMs: 0 } },
      {},
    )
    const messages: MonitorMessage[] = []
    const sampler = new Sampler({
      options,
      history,
      collectors: new Collectors(),
      probe,
      host: null,
      alerts: createAlertManager({ ...options, notifierInstances: [] }),
      emit: message => messages.push(message),
    })
    const step = async (value: number) => {
      now += 30_000
      vi.setSystemTime(now)
      p95 = value
      await sampler.tick()
    }
    const anomalies = () => sampler.insights().anomalies.map(a => `${a.component}/${a.metric}`)
    const fired = () =>
      messages.flatMap(m =>
        m.type === 'alert_fired' ? [`${m.alert.rule} ${m.alert.summary}`] : [],
      )

    // The first live sample reads 25 ms, twelve times the steady level.
    await step(25)
    expect(history.tail('api/p95', 1)).toEqual([{ t: now, v: 25 }])
    expect(anomalies()).toEqual([])
    expect(fired()).toEqual([])

    for (let i = 0; i < 3; i++) await step(2)
    expect(fired()).toEqual([])

    // The same reading later is an anomaly, and raises the alert.
    await step(25)
    expect(anomalies()).toEqual(['api/p95'])
    expect(fired()).toEqual([expect.stringMatching(/^anomaly anomaly in api\/p95: p95 was 25 ms/)])
  })
})

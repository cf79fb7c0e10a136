import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import type { HistoricalResponse, MonitorPredictions, Probe } from '../../src/monitor/index.js'
import { createMonitor } from '../../src/monitor/index.js'
import { getJson, intervals, steadySnapshot, until } from './helpers.js'
import { RedisServer } from './redis-server.js'

setLogger(createLogger('silent'))

describe.each([
  { kind: 'without persistence (restarts empty)', persistent: false },
  { kind: 'with an append-only file (restarts with its data)', persistent: true },
])('monitor history in a real redis-server $kind', ({ persistent }) => {
  let redis: RedisServer

  beforeAll(async () => {
    redis = await RedisServer.start({ persistent })
  })

  afterAll(async () => {
    await redis?.dispose()
  })

  it('samples through a Redis outage, writes the buffered points when Redis returns, and a restarted monitor serves them', async () => {
    const prefix = `vp-monitor-outage-${persistent ? 'aof' : 'none'}`
    let count = 0
    const first = createMonitor(
      { port: 0, intervalMs: 100, hostResources: false, redisUrl: redis.url, redisPrefix: prefix },
      { alerts: null },
    )
    first.addCollector('count', () => ++count)
    await first.start()
    await intervals(first, 3)
    expect(first.health().history.redis).toBe('connected')

    await redis.stop()
    await until(() => first.health().history.redis === 'down', 10_000, 'Redis seen down')
    const atOutage = first.latest()?.sequence ?? 0
    await intervals(first, 5)
    const health = first.health()
    expect(health.status).toBe('degraded')
    expect(health.history.buffered).toBeGreaterThanOrEqual(4)
    expect(first.latest()?.custom.count).toBeGreaterThanOrEqual(atOutage + 5)

    await redis.restart()
    await until(
      () => first.health().history.redis === 'connected' && first.health().history.buffered === 0,
      15_000,
      'the buffer written to Redis',
    )
    await intervals(first, 2)
    await first.stop()
    const sampled = count

    // Every value the collector returned is in Redis, once, in order: nothing lost.
    const client = redis.client()
    const members = await client.zrange(`${prefix}:s:custom/count`, 0, -1)
    client.disconnect()
    expect(members.map(m => Number(m.split(':')[1]))).toEqual(
      Array.from({ length: sampled }, (_, i) => i + 1),
    )

    // A new monitor on the same Redis serves the whole history before sampling anything new.
    const second = createMonitor(
      {
        port: 0,
        intervalMs: 60_000,
        hostResources: false,
        redisUrl: redis.url,
        redisPrefix: prefix,
      },
      { alerts: null },
    )
    const base = await second.start()
    try {
      const { status, body } = await getJson(base, '/api/metrics/historical/custom/count?hours=1')
      expect(status).toBe(200)
      const values = (body as unknown as HistoricalResponse).points.map(p => p.v)
      expect(values.slice(0, sampled)).toEqual(Array.from({ length: sampled }, (_, i) => i + 1))
    } finally {
      await second.stop()
    }
  })
})

describe('monitor history in a real redis-server that stops answering', () => {
  let redis: RedisServer

  beforeAll(async () => {
    redis = await RedisServer.start()
  })

  afterAll(async () => {
    await redis?.dispose()
  })

  it('reports degraded health and answers history requests from memory while Redis is paused, then writes every point when it resumes', async () => {
    const prefix = 'vp-monitor-stall'
    let count = 0
    const monitor = createMonitor(
      { port: 0, intervalMs: 100, hostResources: false, redisUrl: redis.url, redisPrefix: prefix },
      { alerts: null },
    )
    monitor.addCollector('count', () => ++count)
    const base = await monitor.start()
    await intervals(monitor, 3)

    // SIGSTOP keeps the socket open while the server answers nothing, as a hung Redis does.
    const client = redis.client()
    const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1])
    client.disconnect()
    process.kill(pid, 'SIGSTOP')
    try {
      await until(() => monitor.health().status === 'degraded', 10_000, 'the stall reported')
      const health = monitor.health()
      expect(health.history.redis).toBe('connected')
      expect(health.problems.map(p => p.kind)).toEqual(['redis'])
      expect(health.problems[0]?.message).toMatch(/not storing history \(Command timed out\)/)

      const started = Date.now()
      const { status, body } = await getJson(base, '/api/metrics/historical/custom/count?hours=1')
      expect(Date.now() - started).toBeLessThan(1500)
      expect(status).toBe(200)
      expect((body as unknown as HistoricalResponse).points.length).toBeGreaterThan(3)
    } finally {
      process.kill(pid, 'SIGCONT')
    }

    await until(
      () => monitor.health().status === 'ok' && monitor.health().history.buffered === 0,
      15_000,
      'the stall cleared and the buffer written',
    )
    await monitor.stop()

    const check = redis.client()
    const members = await check.zrange(`${prefix}:s:custom/count`, 0, -1)
    check.disconnect()
    expect(members.map(m => Number(m.split(':')[1]))).toEqual(
      Array.from({ length: count }, (_, i) => i + 1),
    )
  }, 30_000)
})

describe('monitor history of components the monitor does not probe', () => {
  let redis: RedisServer

  beforeAll(async () => {
    redis = await RedisServer.start()
  })

  afterAll(async () => {
    await redis?.dispose()
  })

  it("leaves another endpoint's series out of the analysis and predictions, as the history API does, and serves only well-formed points", async () => {
    const prefix = 'vp-monitor-renamed'
    const options = { port: 0, intervalMs: 100, hostResources: false, redisUrl: redis.url }
    const endpoint = (name: string) => ({ name, url: 'http://127.0.0.1:9/never-contacted' })

    // Monitor A probes alpha, writes its history and stops; B probes beta on the same prefix.
    const a = createMonitor(
      { ...options, redisPrefix: prefix, endpoints: [endpoint('alpha')] },
      { alerts: null, probe: steady },
    )
    await a.start()
    await intervals(a, 3)
    await a.stop()
    const client = redis.client()
    expect(await client.smembers(`${prefix}:series`)).toContain('alpha/p95')
    // A series someone else wrote to, with two members that are not points.
    const t = Date.now() - 60_000
    await client.sadd(`${prefix}:series`, 'host/load')
    await client.zadd(
      `${prefix}:s:host/load`,
      t,
      'garbage',
      t + 1,
      `${t + 1}:NaN`,
      t + 2,
      `${t + 2}:0.5`,
    )
    client.disconnect()

    const b = createMonitor(
      { ...options, intervalMs: 60_000, redisPrefix: prefix, endpoints: [endpoint('beta')] },
      { alerts: null, probe: steady },
    )
    const base = await b.start()
    try {
      await intervals(b, 1)
      const { body } = await getJson(base, '/api/analysis/predictions')
      const series = (body as unknown as MonitorPredictions).predictions.map(
        p => `${p.component}/${p.metric}`,
      )
      expect(series.filter(s => s.startsWith('alpha/'))).toEqual([])
      expect(series).toContain('beta/p95')
      expect(series).toContain('host/load')
      expect((await getJson(base, '/api/metrics/historical/alpha/p95')).status).toBe(400)

      const load = await getJson(base, '/api/metrics/historical/host/load?hours=1')
      expect((load.body as unknown as HistoricalResponse).points).toEqual([{ t: t + 2, v: 0.5 }])
    } finally {
      await b.stop()
    }
  })
})

describe('alert state across a restart, kept in a real redis-server', () => {
  let redis: RedisServer

  beforeAll(async () => {
    redis = await RedisServer.start()
  })

  afterAll(async () => {
    await redis?.dispose()
  })

  it('a monitor started after the fault cleared resolves the alert the stopped one had fired', async () => {
    const options = {
      port: 0,
      intervalMs: 100,
      hostResources: false,
      redisUrl: redis.url,
      redisPrefix: 'vp-monitor-alerts',
      endpoints: [{ name: 'api', url: 'http://127.0.0.1:9/never-contacted' }],
      alerts: { forMs: 0, repeatIntervalMs: 3_600_000 },
    }
    const down: Probe = async endpoint => ({
      ...steadySnapshot(endpoint),
      availability: 0,
      statusCodes: {},
      errors: { refused: 1 },
    })

    const first = createMonitor(options, { probe: down })
    const firstEvents: string[] = []
    first.onMessage(m => {
      if (m.type === 'alert_fired') firstEvents.push(`fired:${m.alert.fingerprint}`)
    })
    await first.start()
    await until(() => firstEvents.length > 0, 10_000, 'endpoint_down fired')
    const fingerprint = firstEvents[0]!.slice('fired:'.length)
    await first.stop()

    // Still down after the restart: firing at once, and no second page.
    const again = createMonitor(options, { probe: down })
    const againEvents: string[] = []
    again.onMessage(m => {
      if (m.type === 'alert_fired' || m.type === 'alert_resolved') againEvents.push(m.type)
    })
    const base = await again.start()
    const { body } = await getJson(base, '/api/alerts/active')
    expect(JSON.stringify(body)).toContain(fingerprint)
    await intervals(again, 3)
    expect(againEvents).toEqual([])
    await again.stop()

    // Healthy after the next restart: the first interval resolves the same alert.
    const healed = createMonitor(options, { probe: steady })
    const resolved: string[] = []
    healed.onMessage(m => {
      if (m.type === 'alert_resolved') resolved.push(m.alert.fingerprint)
    })
    await healed.start()
    try {
      await until(() => resolved.length > 0, 10_000, 'the restored alert resolved')
      expect(resolved).toEqual([fingerprint])
      expect(healed.latest()).not.toBeNull()
    } finally {
      await healed.stop()
    }
    const client = redis.client()
    expect(JSON.parse((await client.get('vp-monitor-alerts:alerts')) ?? 'null')).toEqual({
      version: 1,
      alerts: [],
    })
    client.disconnect()
  }, 30_000)
})

/** A probe that answers at once with the same steady figures. */
const steady: Probe = async endpoint => steadySnapshot(endpoint)

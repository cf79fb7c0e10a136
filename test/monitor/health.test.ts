import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import type { Monitor, MonitorHealth } from '../../src/monitor/index.js'
import { createMonitor } from '../../src/monitor/index.js'
import type { TestServer } from '../support/servers.js'
import { startServer, startSilentServer, startStatusServer } from '../support/servers.js'
import { connect, getJson, intervals, until } from './helpers.js'

setLogger(createLogger('silent'))

/** A loopback port nothing listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 1
}

describe('health reports what is wrong while the monitor keeps sampling', () => {
  let hanging: TestServer
  let failing: TestServer
  let hook: TestServer
  let monitor: Monitor
  let base: string
  let collectorBroken = true

  beforeAll(async () => {
    hanging = await startSilentServer()
    failing = await startStatusServer(503)
    hook = await startStatusServer(500)
    monitor = createMonitor({
      port: 0,
      intervalMs: 300,
      hostResources: false,
      redisUrl: `redis://127.0.0.1:${await deadPort()}`,
      endpoints: [
        { name: 'stuck', url: `${hanging.url}/slow` },
        { name: 'broken_api', url: `${failing.url}/x`, objectives: { availability: 99 } },
        { name: 'gone', url: `http://127.0.0.1:${await deadPort()}/` },
      ],
      probe: { requests: 2, timeoutMs: 150 },
      alerts: {
        forMs: 0,
        notifiers: [
          {
            kind: 'webhook',
            url: `${hook.url}/hook-secret-path?key=s3cr3t`,
            retries: 0,
            timeoutMs: 500,
          },
        ],
      },
    })
    monitor.addCollector('flaky', () => {
      if (collectorBroken) throw new Error('queue stats unreadable')
      return 7
    })
    monitor.addCollector('stalled', () => new Promise<number>(() => {}))
    base = await monitor.start()
    await intervals(monitor, 3)
  })

  afterAll(async () => {
    await monitor?.stop(500)
    await Promise.all([hanging?.close(), failing?.close(), hook?.close()])
  })

  const problem = (health: MonitorHealth, kind: string, name: string) =>
    health.problems.find(p => p.kind === kind && p.name === name)

  it('names a hanging probe target, a throwing or hanging collector, Redis down and a failing notifier', async () => {
    await until(
      () => monitor.health().problems.some(p => p.kind === 'notifier'),
      10_000,
      'a notifier problem',
    )
    const { status, body } = await getJson(base, '/health')
    const health = body as unknown as MonitorHealth
    expect(status).toBe(200)
    expect(health.status).toBe('degraded')

    expect(problem(health, 'probe', 'stuck')?.message).toMatch(
      /did not answer within 150 ms \(hanging\?\)/,
    )
    expect(problem(health, 'collector', 'flaky')?.message).toMatch(
      /collector flaky failed: queue stats unreadable/,
    )
    expect(problem(health, 'collector', 'stalled')?.message).toMatch(/did not return within/)
    expect(problem(health, 'redis', 'redis')?.message).toMatch(
      /Redis unreachable .*sampling continues in memory/,
    )
    expect(health.history.redis).toBe('down')
    expect(health.history.buffered).toBeGreaterThan(0)
    const notifier = health.problems.find(p => p.kind === 'notifier')
    expect(notifier?.message).toMatch(/500/)

    // No secret of the notifier appears anywhere the monitor serves.
    const served = JSON.stringify(health) + (await (await fetch(`${base}/metrics`)).text())
    expect(served).not.toContain('hook-secret-path')
    expect(served).not.toContain('s3cr3t')
    expect(problem(health, 'probe', 'broken_api')).toBeUndefined()
  })

  it('keeps sampling and serving through every fault', async () => {
    const before = monitor.health().samples
    await intervals(monitor, 2)
    expect(monitor.health().samples).toBeGreaterThanOrEqual(before + 2)
    const snapshot = monitor.latest()
    const stuck = snapshot?.endpoints.find(e => e.name === 'stuck')
    expect(stuck).toMatchObject({ availability: 0, p95: null, errors: { timeout: 2 } })
    const broken = snapshot?.endpoints.find(e => e.name === 'broken_api')
    expect(broken).toMatchObject({ availability: 0, statusCodes: { '503': 2 } })
    expect(snapshot?.custom).toMatchObject({ flaky: null, stalled: null })
    // The history of the failing endpoint is there, in memory.
    const history = await getJson(base, '/api/metrics/historical/broken_api/availability')
    expect((history.body.points as Array<{ v: number }>).every(p => p.v === 0)).toBe(true)
    // And alerts fired for the endpoints that are down.
    const alerts = (await getJson(base, '/api/alerts/active')).body.alerts as Array<{
      rule: string
      labels: Record<string, string>
    }>
    expect(alerts.length).toBeGreaterThan(0)
  })

  it('clears a problem once its cause recovers', async () => {
    collectorBroken = false
    await intervals(monitor, 2)
    const health = monitor.health()
    expect(problem(health, 'collector', 'flaky')).toBeUndefined()
    expect(monitor.latest()?.custom.flaky).toBe(7)
  })
})

describe('alerts reach WebSocket clients', () => {
  it('broadcasts alert_fired when an endpoint goes down and alert_resolved when it heals', async () => {
    let status = 500
    const target = await startServer((_req, res) => {
      res.writeHead(status, { 'content-length': 2 })
      res.end('ok')
    })
    const monitor = createMonitor({
      port: 0,
      intervalMs: 150,
      hostResources: false,
      endpoints: [{ name: 'api', url: `${target.url}/`, objectives: { availability: 99 } }],
      probe: { requests: 2, timeoutMs: 500 },
      alerts: { forMs: 0, notifiers: [] },
    })
    const base = await monitor.start()
    const client = await connect(`${base}/ws/metrics`)
    try {
      const fired = await client.next('alert_fired')
      if (fired.type !== 'alert_fired') throw new Error('wrong message')
      expect(fired.alert.state).toBe('firing')
      expect(fired.alert.severity).toBe('critical')
      expect(fired.alert.labels).toMatchObject({ component: 'api' })
      const active = (await getJson(base, '/api/alerts/active')).body.alerts as Array<{
        fingerprint: string
      }>
      expect(active.map(a => a.fingerprint)).toContain(fired.alert.fingerprint)

      status = 200
      const from = client.messages.length
      const resolved = await client.next('alert_resolved', from)
      if (resolved.type !== 'alert_resolved') throw new Error('wrong message')
      expect(resolved.alert.fingerprint).toBe(fired.alert.fingerprint)
      expect(resolved.alert.state).toBe('resolved')
      expect(resolved.alert.resolvedAt).not.toBeNull()
    } finally {
      client.close()
      await monitor.stop()
      await target.close()
    }
  })
})

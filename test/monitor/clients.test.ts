import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import type { Monitor } from '../../src/monitor/index.js'
import { createMonitor } from '../../src/monitor/index.js'
import { connect, getJson, intervals, until } from './helpers.js'

setLogger(createLogger('silent'))

const TOKEN = 'monitor-test-token-7f3a'

describe('token and WebSocket clients', () => {
  let monitor: Monitor | undefined

  afterEach(async () => {
    await monitor?.stop()
    monitor = undefined
  })

  it('with a token, every route but /health and the page needs it, header or query', async () => {
    monitor = createMonitor(
      { port: 0, intervalMs: 100, token: TOKEN, hostResources: false },
      { alerts: null },
    )
    const base = await monitor.start()
    await intervals(monitor, 1)

    for (const path of [
      '/api/metrics/current',
      '/api/alerts/active',
      '/api/analysis/ai-insights',
      '/metrics',
    ]) {
      const refused = await fetch(`${base}${path}`)
      expect({ path, status: refused.status }).toEqual({ path, status: 401 })
      expect(refused.headers.get('www-authenticate')).toBe('Bearer')
      const wrong = await fetch(`${base}${path}`, {
        headers: { authorization: 'Bearer not-the-token' },
      })
      expect(wrong.status).toBe(401)
    }
    const body = (await getJson(base, '/api/metrics/current')).body
    expect(body.message).toMatch(/MONITOR_TOKEN/)
    expect(JSON.stringify(body)).not.toContain(TOKEN)

    expect(
      (await getJson(base, '/api/metrics/current', { authorization: `Bearer ${TOKEN}` })).status,
    ).toBe(200)
    expect((await getJson(base, `/api/alerts/active?token=${TOKEN}`)).status).toBe(200)
    // /health answers health checks without the token, but names nothing the monitor watches.
    const open = await getJson(base, '/health')
    expect(open.status).toBe(200)
    expect(Object.keys(open.body).sort()).toEqual(
      ['lastSampleAt', 'problems', 'samples', 'status', 'uptimeSeconds'].sort(),
    )
    expect(typeof open.body.problems).toBe('number')
    const full = await getJson(base, '/health', { authorization: `Bearer ${TOKEN}` })
    expect(full.body).toMatchObject({ history: { redis: 'memory' }, problems: [] })
    expect((await fetch(`${base}/`)).status).toBe(200)

    await expect(connect(`${base}/ws/metrics`)).rejects.toThrow(/401/)
    const client = await connect(`${base}/ws/metrics?token=${TOKEN}`)
    expect((await client.next('ai_insights')).type).toBe('ai_insights')
    client.close()
  })

  it('without a token, refuses a foreign Host (DNS rebinding) and a WebSocket from a foreign page', async () => {
    monitor = createMonitor({ port: 0, intervalMs: 100, hostResources: false }, { alerts: null })
    const base = await monitor.start()
    await intervals(monitor, 1)
    const port = new URL(base).port

    const rebound = await request(`${base}/api/metrics/current`, {
      headers: { host: `evil.example:${port}` },
    })
    expect(rebound.statusCode).toBe(403)
    expect(((await rebound.body.json()) as { message: string }).message).toMatch(
      /^Host "evil\.example:\d+" is not a loopback name; .*set MONITOR_TOKEN/,
    )
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const local = await request(`${base}/api/metrics/current`, { headers: { host } })
      expect({ host, status: local.statusCode }).toEqual({ host, status: 200 })
      await local.body.dump()
    }

    await expect(connect(`${base}/ws/metrics`, { origin: 'http://evil.example' })).rejects.toThrow(
      /403/,
    )
    await expect(connect(`${base}/ws/metrics?x=1`)).rejects.toThrow(/400/)
    const page = await connect(`${base}/ws/metrics`, { origin: base })
    expect((await page.next('ai_insights')).type).toBe('ai_insights')
    page.close()
  })

  it('drops a client that stops reading instead of buffering for it, and keeps serving the others', async () => {
    monitor = createMonitor(
      {
        port: 0,
        intervalMs: 60_000,
        hostResources: false,
        maxHistorySize: 10,
        maxClientBufferBytes: 64 * 1024,
      },
      { alerts: null },
    )
    // A wide collector (long key names) makes each metrics_update about 40 kB, so a stalled
    // client's backlog passes the kernel's socket buffers (a few MB on loopback) within a
    // hundred intervals.
    const wide: Record<string, number> = {}
    for (let i = 0; i < 40; i++) wide[`${'k'.repeat(1000)}${i}`] = i
    monitor.addCollector('wide', () => wide)
    const base = await monitor.start()

    const slow = await connect(`${base}/ws/metrics`)
    const fast = await connect(`${base}/ws/metrics`)
    await until(() => monitor?.health().clients === 2)
    // Stop reading: the socket stays open, data piles up in the kernel and then in ws.
    ;(slow.socket as unknown as { _socket: { pause(): void } })._socket.pause()

    let sent = 0
    while (monitor.health().clients === 2 && sent < 400) {
      await monitor.sample()
      sent++
      // Let the sockets be written and the fast client read, as between real intervals.
      await new Promise(resolve => setTimeout(resolve, 1))
    }
    expect(monitor.health().clients).toBe(1)
    expect(sent).toBeLessThan(400)

    // The fast client got every update and still gets new ones.
    const before = fast.messages.length
    const last = await monitor.sample()
    const update = await fast.next('metrics_update', before)
    expect(update.type === 'metrics_update' && update.metrics.sequence).toBe(last.sequence)
    const updates = fast.messages.filter(m => m.type === 'metrics_update').length
    expect(updates).toBeGreaterThanOrEqual(sent)

    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toMatch(/^vitest_perf_monitor_websocket_dropped_total 1$/m)
    expect(metrics).toMatch(/^vitest_perf_monitor_websocket_clients 1$/m)
    slow.close()
    fast.close()
  })

  it('pings every client and drops one that stops answering, keeping the one that answers', async () => {
    monitor = createMonitor(
      { port: 0, intervalMs: 60_000, hostResources: false, heartbeatMs: 150 },
      { alerts: null },
    )
    const base = await monitor.start()
    // A client that vanished without closing answers no ping; ws answers them by default.
    const gone = await connect(`${base}/ws/metrics`, {}, { autoPong: false })
    const alive = await connect(`${base}/ws/metrics`)
    let pings = 0
    alive.socket.on('ping', () => pings++)
    await until(() => monitor?.health().clients === 2)

    const closed = new Promise(resolve => gone.socket.once('close', resolve))
    await until(() => monitor?.health().clients === 1, 5000, 'the silent client dropped')
    await closed
    // The answering client stays through more pings.
    const seen = pings
    await until(() => pings >= seen + 3, 5000, 'three more pings')
    expect(monitor.health().clients).toBe(1)
    expect(alive.socket.readyState).toBe(alive.socket.OPEN)
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toMatch(/^vitest_perf_monitor_websocket_dropped_total 1$/m)
    alive.close()
  })
})

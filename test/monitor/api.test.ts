import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import type {
  Monitor,
  MonitorInsights,
  MonitorPredictions,
  MonitorSnapshot,
} from '../../src/monitor/index.js'
import { createMonitor } from '../../src/monitor/index.js'
import type { TestServer } from '../support/servers.js'
import { startDelayServer } from '../support/servers.js'
import { connect, getJson, intervals, until } from './helpers.js'

setLogger(createLogger('silent'))

describe('monitor API', () => {
  let target: TestServer
  let monitor: Monitor
  let base: string

  beforeAll(async () => {
    target = await startDelayServer(2)
    monitor = createMonitor(
      {
        port: 0,
        intervalMs: 200,
        endpoints: [
          { name: 'api', url: `${target.url}/items`, objectives: { p95: 500, availability: 99 } },
        ],
        probe: { requests: 4, timeoutMs: 1000 },
      },
      { alerts: null },
    )
    let depth = 0
    monitor.addCollector('queue_depth', () => ++depth)
    monitor.addCollector('pool', async () => ({ busy: 3, idle: 7 }))
    base = await monitor.start()
    await intervals(monitor, 12)
  })

  afterAll(async () => {
    await monitor?.stop()
    await target?.close()
  })

  it('serves the latest interval with probes, host resources and collectors', async () => {
    const { status, body } = await getJson(base, '/api/metrics/current')
    const snapshot = body as unknown as MonitorSnapshot
    expect(status).toBe(200)
    expect(snapshot.sequence).toBeGreaterThanOrEqual(12)
    expect(snapshot.intervalMs).toBe(200)
    expect(Number.isNaN(Date.parse(snapshot.time))).toBe(false)
    const api = snapshot.endpoints[0]
    expect(api).toMatchObject({
      name: 'api',
      method: 'GET',
      availability: 100,
      requests: 4,
      statusCodes: { '200': 4 },
    })
    expect(api?.p50).toBeGreaterThanOrEqual(2)
    expect(api?.p95).toBeGreaterThanOrEqual(api?.p50 as number)
    expect(snapshot.host.memory).toBeGreaterThan(0)
    expect(snapshot.host.memory).toBeLessThanOrEqual(100)
    expect(snapshot.host.cpu).toBeGreaterThanOrEqual(0)
    expect(snapshot.host.load).toBeGreaterThanOrEqual(0)
    expect(snapshot.custom.queue_depth).toBeGreaterThanOrEqual(12)
    expect(snapshot.custom).toMatchObject({ 'pool.busy': 3, 'pool.idle': 7 })
  })

  it('serves history per component and metric, oldest first, within the hours asked', async () => {
    const memory = await getJson(base, '/api/metrics/historical/host/memory?hours=1')
    expect(memory.status).toBe(200)
    expect(memory.body).toMatchObject({ component: 'host', metric: 'memory', unit: '%', hours: 1 })
    const points = memory.body.points as Array<{ t: number; v: number }>
    expect(points.length).toBeGreaterThanOrEqual(12)
    expect(points.map(p => p.t)).toEqual([...points.map(p => p.t)].sort((a, b) => a - b))

    const p95 = await getJson(base, '/api/metrics/historical/api/p95')
    expect(p95.body).toMatchObject({ component: 'api', metric: 'p95', unit: 'ms', hours: 24 })
    const custom = await getJson(base, '/api/metrics/historical/custom/queue_depth')
    const values = (custom.body.points as Array<{ v: number }>).map(p => p.v)
    expect(values.slice(0, 3)).toEqual([1, 2, 3])

    // A window shorter than the run returns only its newest points.
    const recent = await getJson(base, '/api/metrics/historical/custom/queue_depth?hours=0.0002')
    const recentCount = (recent.body.points as unknown[]).length
    expect(recentCount).toBeGreaterThan(0)
    expect(recentCount).toBeLessThan(values.length)
  })

  it('answers bad requests with 400 and what is allowed', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        '/api/metrics/historical/host/cpu?hours=-1',
        /hours: .*allowed: a number of hours greater than 0 and at most 720/,
      ],
      ['/api/metrics/historical/host/cpu?hours=abc', /hours: .*allowed/],
      ['/api/metrics/historical/host/cpu?hours=100000', /hours: .*at most 720/],
      [
        '/api/analysis/predictions?horizon_minutes=abc',
        /horizon_minutes: .*allowed: a number of minutes greater than 0 and at most 1440/,
      ],
      ['/api/analysis/predictions?horizon_minutes=0', /horizon_minutes/],
      [
        '/api/metrics/historical/nosuch/p95',
        /unknown component "nosuch"; allowed: host, api, custom/,
      ],
      [
        '/api/metrics/historical/api/p42',
        /unknown metric "p42" for api; allowed: p50, p95, p99, availability/,
      ],
      [
        '/api/metrics/historical/host/p95',
        /allowed: cpu, memory, disk, network_rx, network_tx, load/,
      ],
      ['/api/metrics/historical/custom/nosuch', /allowed: pool.busy, pool.idle, queue_depth/],
      // Names of an object's own machinery are unknown components like any other, not a 500.
      ['/api/metrics/historical/__proto__/cpu', /unknown component "__proto__"; allowed: host/],
      ['/api/metrics/historical/constructor/p95', /unknown component "constructor"; allowed/],
      ['/api/metrics/historical/host/__proto__', /unknown metric "__proto__" for host/],
      ['/api/alerts/active?verbose=1', /unknown query parameter "verbose"; allowed here: token$/],
      ['/health?foo=1', /unknown query parameter "foo"; allowed here: token$/],
      ['/metrics?x=1', /unknown query parameter "x"; allowed here: token$/],
      [
        '/api/analysis/predictions?hours=2',
        /unknown query parameter "hours"; allowed here: horizon_minutes, token$/,
      ],
    ]
    for (const [path, message] of cases) {
      const { status, body } = await getJson(base, path)
      expect({ path, status }).toEqual({ path, status: 400 })
      expect(body.error).toBe('Bad Request')
      expect(body.message).toMatch(message)
    }
    // A name that is not known comes with the names that are, as a list.
    const component = await getJson(base, '/api/metrics/historical/nosuch/p95')
    expect(component.body).toMatchObject({ field: 'component', allowed: ['host', 'api', 'custom'] })
    const metric = await getJson(base, '/api/metrics/historical/api/p42')
    expect(metric.body).toMatchObject({
      field: 'metric',
      allowed: ['p50', 'p95', 'p99', 'availability'],
    })
    const unknown = await getJson(base, '/api/nothing')
    expect(unknown.status).toBe(404)
  })

  it('refuses Infinity, NaN, 1e999, empty and repeated numbers in every numeric parameter', async () => {
    const parameters = [
      ['/api/metrics/historical/host/cpu', 'hours', 'a number of hours greater than 0'],
      ['/api/metrics/historical/api/p95', 'hours', 'a number of hours greater than 0'],
      ['/api/analysis/predictions', 'horizon_minutes', 'a number of minutes greater than 0'],
    ] as const
    const values: Array<[string, string]> = [
      ['Infinity', 'got "Infinity"'],
      ['-Infinity', 'got "-Infinity"'],
      ['NaN', 'got "NaN"'],
      ['1e999', 'got "1e999"'],
      ['0x10', 'got "0x10"'],
      ['', 'got an empty value'],
    ]
    for (const [path, name, allowed] of parameters) {
      for (const [value, problem] of values) {
        const { status, body } = await getJson(base, `${path}?${name}=${value}`)
        expect({ path, value, status }).toEqual({ path, value, status: 400 })
        expect(body).toMatchObject({ error: 'Bad Request', field: name })
        expect(body.message).toBe(`${name}: ${problem}; allowed: ${body.allowed}`)
        expect(body.allowed).toMatch(allowed)
      }
      const twice = await getJson(base, `${path}?${name}=1&${name}=2`)
      expect(twice.status).toBe(400)
      expect(twice.body.message).toMatch(
        new RegExp(`^${name}: given 2 times; give it once; allowed`),
      )
    }
    // Plain decimals, with a fraction or an exponent, still pass.
    const hours = await getJson(base, '/api/metrics/historical/host/cpu?hours=1.5e1')
    expect(hours.body.hours).toBe(15)
    const horizon = await getJson(base, '/api/analysis/predictions?horizon_minutes=1440')
    expect(horizon.body.horizonMinutes).toBe(1440)
  })

  it('serves insights and predictions for the horizon asked', async () => {
    // What the analysis finds in a series is proved in analysis.test.ts: this run is far
    // shorter than the 5 minutes of history a trend or a forecast needs.
    const insights = await getJson(base, '/api/analysis/ai-insights')
    expect(insights.status).toBe(200)
    const body = insights.body as unknown as MonitorInsights
    expect(Number.isNaN(Date.parse(body.generatedAt))).toBe(false)
    expect(Array.isArray(body.anomalies)).toBe(true)
    expect(Array.isArray(body.trends)).toBe(true)
    expect(Array.isArray(body.summary)).toBe(true)

    const { status, body: served } = await getJson(
      base,
      '/api/analysis/predictions?horizon_minutes=30',
    )
    const predictions = served as unknown as MonitorPredictions
    expect(status).toBe(200)
    expect(predictions.horizonMinutes).toBe(30)
    const p95 = predictions.predictions.find(p => p.component === 'api' && p.metric === 'p95')
    expect(p95).toMatchObject({ unit: 'ms', threshold: 500, breachExpected: false })
    const cpu = predictions.predictions.find(p => p.component === 'host' && p.metric === 'cpu')
    expect(cpu?.threshold).toBe(70)
    const queue = predictions.predictions.find(p => p.metric === 'queue_depth')
    expect(queue?.current).toBeGreaterThanOrEqual(12)

    const standard = await getJson(base, '/api/analysis/predictions')
    expect(standard.body.horizonMinutes).toBe(60)
  })

  it('lists active alerts and reports health', async () => {
    expect((await getJson(base, '/api/alerts/active')).body).toEqual({ alerts: [] })
    const health = await getJson(base, '/health')
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({
      status: 'ok',
      history: { redis: 'memory', buffered: 0 },
      problems: [],
    })
    expect(health.body.samples).toBeGreaterThanOrEqual(12)
  })

  it('exposes Prometheus text format', async () => {
    const response = await fetch(`${base}/metrics`)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    expect(text).toMatch(/^# TYPE vitest_perf_endpoint_latency_ms gauge$/m)
    expect(text).toMatch(
      /^vitest_perf_endpoint_latency_ms\{endpoint="api",quantile="0\.95"\} \d+(\.\d+)?$/m,
    )
    expect(text).toMatch(/^vitest_perf_endpoint_availability_percent\{endpoint="api"\} 100$/m)
    expect(text).toMatch(/^vitest_perf_custom\{name="pool\.busy"\} 3$/m)
    expect(text).toMatch(/^vitest_perf_host_memory_percent \d/m)
    // The monitor's own API handling time, from the requests this file has made.
    expect(text).toMatch(
      /^vitest_perf_monitor_api_request_duration_ms\{quantile="0\.95"\} \d+(\.\d+)?$/m,
    )
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?\d+(\.\d+)?(e[-+]?\d+)?)$/)
    }
  })

  it('serves the page at /', async () => {
    const response = await fetch(`${base}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    expect(await response.text()).toMatch(/<html/i)
  })

  it('pushes the state on connect and a metrics_update every interval', async () => {
    const client = await connect(`${base}/ws/metrics`)
    try {
      const first = await client.next('metrics_update')
      await client.next('ai_insights')
      const start = client.messages.length
      const later = await client.next('metrics_update', start)
      if (first.type !== 'metrics_update' || later.type !== 'metrics_update')
        throw new Error('wrong type')
      expect(later.metrics.sequence).toBeGreaterThan(first.metrics.sequence)
      expect(later.metrics.endpoints[0]?.name).toBe('api')
      // Updates keep coming, one per interval.
      const from = later.metrics.sequence
      await intervals(monitor, 3)
      const sequences = client.messages
        .filter(m => m.type === 'metrics_update')
        .map(m => (m.type === 'metrics_update' ? m.metrics.sequence : 0))
        .filter(s => s >= from)
      expect(sequences.slice(0, 3)).toEqual([from, from + 1, from + 2])
    } finally {
      client.close()
    }
  })
})

describe('resolved alerts API', () => {
  it('lists the alerts resolved since start, newest first, and refuses unknown parameters', async () => {
    // A service that fails every request while broken.
    let broken = false
    const service = createServer((_request, response) => {
      response.writeHead(broken ? 500 : 200).end()
    })
    await new Promise<void>(resolve => service.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/`
    const monitor = createMonitor({
      port: 0,
      intervalMs: 100,
      hostResources: false,
      endpoints: [{ name: 'api', url }],
      probe: { requests: 2, timeoutMs: 1000 },
      alerts: { forMs: 0, notifiers: [] },
    })
    const base = await monitor.start()
    try {
      await intervals(monitor, 1)
      expect((await getJson(base, '/api/alerts/resolved')).body).toEqual({ alerts: [] })

      type Listed = Array<{ rule: string; state: string; resolvedAt: string | null }>
      const listed = async (path: string) => (await getJson(base, path)).body.alerts as Listed
      for (let round = 0; round < 2; round++) {
        broken = true
        await until(
          async () => (await listed('/api/alerts/active')).some(a => a.rule === 'endpoint_down'),
          10_000,
          'endpoint_down firing',
        )
        broken = false
        await until(
          async () => (await listed('/api/alerts/resolved')).length === round + 1,
          10_000,
          'endpoint_down resolved',
        )
      }
      const resolved = await listed('/api/alerts/resolved')
      expect(resolved.map(a => [a.rule, a.state])).toEqual([
        ['endpoint_down', 'resolved'],
        ['endpoint_down', 'resolved'],
      ])
      const [newest, older] = resolved.map(a => Date.parse(a.resolvedAt ?? ''))
      expect(newest).toBeGreaterThan(older as number)

      const bad = await getJson(base, '/api/alerts/resolved?limit=5')
      expect(bad.status).toBe(400)
      expect(bad.body.message).toBe('unknown query parameter "limit"; allowed here: token')
    } finally {
      await monitor.stop()
      service.close()
    }
  })
})

describe('monitor API with a token', () => {
  const TOKEN = 'api-test-token-1'
  let monitor: Monitor
  let base: string

  beforeAll(async () => {
    monitor = createMonitor(
      { port: 0, intervalMs: 60_000, token: TOKEN, hostResources: false },
      { alerts: null },
    )
    base = await monitor.start()
  })

  afterAll(async () => {
    await monitor?.stop()
  })

  it('takes the Bearer scheme in any case, and nothing but the right token', async () => {
    const status = async (authorization: string) =>
      (await getJson(base, '/api/alerts/active', { authorization })).status
    expect(await status(`Bearer ${TOKEN}`)).toBe(200)
    expect(await status(`bearer ${TOKEN}`)).toBe(200)
    expect(await status(`BEARER ${TOKEN}`)).toBe(200)
    expect(await status(`bEaReR  ${TOKEN}`)).toBe(200)
    expect(await status('bearer not-the-token')).toBe(401)
    expect(await status(`Basic ${TOKEN}`)).toBe(401)
    expect(await status(TOKEN)).toBe(401)
    const resolved = async (authorization: string) =>
      (await getJson(base, '/api/alerts/resolved', { authorization })).status
    expect(await resolved(`Bearer ${TOKEN}`)).toBe(200)
    expect(await resolved('Bearer not-the-token')).toBe(401)
  })

  it('lets a request in only when every token it gives is right, header and query alike', async () => {
    const get = (query: string, authorization?: string) =>
      getJson(base, `/api/alerts/active${query}`, authorization ? { authorization } : {})

    const rightHeaderWrongQuery = await get('?token=not-the-token', `Bearer ${TOKEN}`)
    expect(rightHeaderWrongQuery.status).toBe(401)
    expect(rightHeaderWrongQuery.body.message).toMatch(/every token given .* must be right/)
    expect((await get(`?token=${TOKEN}`, 'Bearer not-the-token')).status).toBe(401)
    expect((await get('?token=', `Bearer ${TOKEN}`)).status).toBe(401)

    expect((await get(`?token=${TOKEN}`, `Bearer ${TOKEN}`)).status).toBe(200)
    expect((await get('', `Bearer ${TOKEN}`)).status).toBe(200)
    expect((await get(`?token=${TOKEN}`)).status).toBe(200)
    // Another scheme (a proxy's Basic credentials) is not a monitor token: it neither lets the
    // request in nor keeps a right ?token= out.
    expect((await get(`?token=${TOKEN}`, 'Basic dXNlcjpwYXNz')).status).toBe(200)

    // /health gives its full answer by the same rule.
    const health = (query: string) =>
      getJson(base, `/health${query}`, { authorization: `Bearer ${TOKEN}` })
    expect(Array.isArray((await health('')).body.problems)).toBe(true)
    const limited = await health('?token=not-the-token')
    expect(limited.status).toBe(200)
    expect(typeof limited.body.problems).toBe('number')
  })
})

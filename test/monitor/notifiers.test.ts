import { once } from 'node:events'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import { hostname } from 'node:os'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import { PerfConfigError } from '../../src/errors.js'
import type { AlertNotification, AlertRecord } from '../../src/monitor/alerts/index.js'
import { createAlertManager } from '../../src/monitor/alerts/index.js'
import { valueLine } from '../../src/monitor/notifiers/format.js'
import type { NotifierSetup } from '../../src/monitor/notifiers/index.js'
import {
  checkNotifier,
  createNotifier,
  createNotifiers,
  createPagerDutyNotifier,
  createSlackNotifier,
  createWebhookNotifier,
  notifiersFromEnv,
  parseRetryAfter,
} from '../../src/monitor/notifiers/index.js'
import type { AlertSeverity } from '../../src/monitor/types.js'

// ---------------------------------------------------------------------------------------------
// A loopback receiver standing in for Slack, PagerDuty or a webhook: it keeps every request
// (path, headers, parsed JSON body, arrival time) and answers with the scripted replies.
// ---------------------------------------------------------------------------------------------

interface Received {
  path: string
  method: string
  headers: IncomingHttpHeaders
  body: unknown
  at: number
}

type Reply =
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'hang'
  | ((req: IncomingMessage, res: ServerResponse, body: unknown) => void)

interface Receiver {
  url: string
  requests: Received[]
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>
  close(): Promise<void>
}

const open: Receiver[] = []

async function receiver(replies: Reply[] = [], fallback: Reply = { status: 200 }) {
  const requests: Received[] = []
  const sockets = new Set<Socket>()
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    requests.push({
      path: req.url ?? '',
      method: req.method ?? '',
      headers: req.headers,
      body: text ? JSON.parse(text) : null,
      at: performance.now(),
    })
    for (const waiter of waiters.filter(w => requests.length >= w.count)) waiter.resolve()

    const reply = replies[requests.length - 1] ?? fallback
    if (reply === 'hang') return
    if (typeof reply === 'function') return reply(req, res, requests.at(-1)?.body)
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers })
    res.end(reply.body ?? (reply.status < 300 ? 'ok' : 'error'))
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address() as { port: number }

  const handle: Receiver = {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    waitFor: count =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise(resolve => waiters.push({ count, resolve })),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    },
  }
  open.push(handle)
  return handle
}

/** A webhook whose receiver holds every answer until `release()`, and what it was sent. */
async function gatedWebhook(options: { queueSize?: number } = {}) {
  let release: () => void = () => {}
  const gate = new Promise<void>(resolve => {
    release = resolve
  })
  const hook = await receiver([], (_req, res) => {
    gate.then(() => res.end('ok'))
  })
  const notifier = createWebhookNotifier({ url: `${hook.url}/hook`, ...FAST, ...options })
  const sent = () =>
    hook.requests.map(r => {
      const body = r.body as { type: string; alert: { fingerprint: string } }
      return `${body.type}:${body.alert.fingerprint}`
    })
  return { receiver: hook, notifier, release, sent }
}

// ---------------------------------------------------------------------------------------------

const SLACK_PATH = '/services/T0SECRET/B0SECRET/XyZsecretToken123'
const ROUTING_KEY = 'R0UT1NGKEYsecret0123456789abcdef'
const FAST = { backoffMs: 10, maxBackoffMs: 50, random: () => 0, timeoutMs: 2000 }

let logLines: string[] = []

beforeEach(() => {
  logLines = []
  setLogger(createLogger('debug', line => logLines.push(line)))
})

afterEach(async () => {
  setLogger(createLogger('warn'))
  await Promise.all(open.splice(0).map(r => r.close()))
})

function alert(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    fingerprint: '0123456789abcdef',
    rule: 'endpoint_latency',
    severity: 'high',
    priority: 'P1',
    source: 'objective',
    state: 'firing',
    labels: { alertname: 'endpoint_latency', component: 'api', metric: 'p95' },
    summary: 'api p95 latency 412 ms over its budget of 300 ms',
    value: 412,
    threshold: 300,
    clearThreshold: 270,
    unit: 'ms',
    activeAt: '2026-01-01T00:00:00.000Z',
    firedAt: '2026-01-01T00:01:00.000Z',
    resolvedAt: null,
    lastNotifiedAt: '2026-01-01T00:01:00.000Z',
    notifications: 1,
    details: { endpoint: 'api', requests: 5 },
    ...overrides,
  }
}

const fired = (overrides: Partial<AlertRecord> = {}, repeat = false): AlertNotification => ({
  type: 'alert_fired',
  alert: alert(overrides),
  repeat,
})

const resolved = (overrides: Partial<AlertRecord> = {}): AlertNotification => ({
  type: 'alert_resolved',
  alert: alert({
    state: 'resolved',
    resolvedAt: '2026-01-01T00:05:00.000Z',
    value: 250,
    ...overrides,
  }),
  repeat: false,
})

describe('Slack incoming webhook', () => {
  it('posts text plus blocks, field by field', async () => {
    const slack = await receiver()
    const notifier = createSlackNotifier({ webhookUrl: `${slack.url}${SLACK_PATH}`, ...FAST })
    notifier.notify(fired({ summary: 'api p95 <b>412 ms</b> & rising' }))
    await notifier.flush()

    expect(slack.requests).toHaveLength(1)
    const [request] = slack.requests
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe(SLACK_PATH)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.body).toEqual({
      text: '[FIRING P1 high] endpoint_latency: api p95 &lt;b&gt;412 ms&lt;/b&gt; &amp; rising',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'FIRING P1: endpoint_latency' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'api p95 &lt;b&gt;412 ms&lt;/b&gt; &amp; rising' },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Severity*\nhigh (P1)' },
            { type: 'mrkdwn', text: '*Value*\n412 ms' },
            { type: 'mrkdwn', text: '*Threshold*\n300 ms' },
            { type: 'mrkdwn', text: '*Firing since*\n2026-01-01T00:01:00.000Z' },
            { type: 'mrkdwn', text: '*Labels*\ncomponent=api, metric=p95' },
          ],
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: 'fingerprint 0123456789abcdef · source objective' }],
        },
      ],
    })
    expect(notifier.status()).toMatchObject({ sent: 1, failures: 0, queued: 0, lastError: null })
    await notifier.close()
  })

  it('says RESOLVED, and marks reminders', async () => {
    const slack = await receiver()
    const notifier = createSlackNotifier({ webhookUrl: `${slack.url}${SLACK_PATH}`, ...FAST })
    notifier.notify(fired({}, true))
    notifier.notify(resolved())
    await notifier.flush()

    const bodies = slack.requests.map(r => r.body as { text: string; blocks: unknown[] })
    expect(bodies.map(b => b.text.split(']')[0])).toEqual([
      '[FIRING (reminder) P1 high',
      '[RESOLVED P1 high',
    ])
    expect(bodies[1]?.blocks[2]).toMatchObject({
      fields: expect.arrayContaining([
        { type: 'mrkdwn', text: '*Resolved*\n2026-01-01T00:05:00.000Z' },
        { type: 'mrkdwn', text: '*Value*\n250 ms' },
      ]),
    })
    await notifier.close()
  })
})

describe('value and threshold', () => {
  it('shows a bound given in words where the rule has no number for it', async () => {
    const down = alert({
      rule: 'endpoint_down',
      severity: 'critical',
      priority: 'P0',
      value: 0,
      threshold: null,
      thresholdText: 'any success',
      clearThreshold: 50,
      unit: '%',
    })
    expect(valueLine(down)).toEqual({ value: '0%', threshold: 'any success' })
    expect(valueLine(alert({ threshold: null }))).toEqual({ value: '412 ms', threshold: 'n/a' })

    const pd = await receiver([], { status: 202 })
    const notifier = createPagerDutyNotifier({ routingKey: ROUTING_KEY, url: pd.url, ...FAST })
    notifier.notify({ type: 'alert_fired', alert: down, repeat: false })
    await notifier.flush()
    const body = pd.requests[0]?.body as { payload: { custom_details: Record<string, unknown> } }
    expect(body.payload.custom_details).toMatchObject({
      value: 0,
      threshold: 'any success',
      clear_threshold: 50,
    })
    await notifier.close()
  })
})

describe('PagerDuty Events API v2', () => {
  it('triggers with the fingerprint as dedup_key and the payload field by field', async () => {
    const pd = await receiver([], { status: 202, body: '{"status":"success"}' })
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      url: `${pd.url}/v2/enqueue`,
      ...FAST,
    })
    notifier.notify(fired())
    await notifier.flush()

    expect(pd.requests[0]?.path).toBe('/v2/enqueue')
    expect(pd.requests[0]?.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: '0123456789abcdef',
      client: 'vitest-perf monitor',
      payload: {
        summary: '[P1] api p95 latency 412 ms over its budget of 300 ms',
        source: hostname(),
        severity: 'error',
        timestamp: '2026-01-01T00:01:00.000Z',
        component: 'api',
        group: 'endpoint_latency',
        class: 'objective',
        custom_details: {
          rule: 'endpoint_latency',
          priority: 'P1',
          severity: 'high',
          value: 412,
          threshold: 300,
          clear_threshold: 270,
          unit: 'ms',
          active_at: '2026-01-01T00:00:00.000Z',
          reminder: false,
          label_alertname: 'endpoint_latency',
          label_component: 'api',
          label_metric: 'p95',
          endpoint: 'api',
          requests: 5,
        },
      },
    })
    await notifier.close()
  })

  it('maps severities critical→critical, high→error, medium→warning, low→info', async () => {
    const pd = await receiver([], { status: 202 })
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      url: `${pd.url}/v2/enqueue`,
      source: 'monitor-1',
      ...FAST,
    })
    const severities: AlertSeverity[] = ['critical', 'high', 'medium', 'low']
    for (const severity of severities) notifier.notify(fired({ severity }))
    await notifier.flush()

    const payloads = pd.requests.map(r => (r.body as { payload: Record<string, unknown> }).payload)
    expect(payloads.map(p => p.severity)).toEqual(['critical', 'error', 'warning', 'info'])
    expect(payloads.map(p => p.source)).toEqual(Array(4).fill('monitor-1'))
    await notifier.close()
  })

  it('resolves by dedup_key alone', async () => {
    const pd = await receiver([], { status: 202 })
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      url: `${pd.url}/v2/enqueue`,
      ...FAST,
    })
    notifier.notify(resolved())
    await notifier.flush()
    expect(pd.requests[0]?.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: '0123456789abcdef',
    })
    await notifier.close()
  })
})

describe('generic JSON webhook', () => {
  it('posts the event with its alert and the configured headers', async () => {
    const hook = await receiver()
    const notifier = createWebhookNotifier({
      url: `${hook.url}/hooks/alerts?token=abc123secret`,
      headers: { authorization: 'Bearer hook-token-secret' },
      ...FAST,
    })
    const event = fired()
    notifier.notify(event)
    await notifier.flush()

    const [request] = hook.requests
    expect(request?.path).toBe('/hooks/alerts?token=abc123secret')
    expect(request?.headers.authorization).toBe('Bearer hook-token-secret')
    const body = request?.body as Record<string, unknown>
    expect(body).toEqual({
      version: 1,
      type: 'alert_fired',
      repeat: false,
      alert: event.alert,
      sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    expect(notifier.status().target).toBe(hook.url)
    await notifier.close()
  })
})

describe('delivery: retries, backoff, timeouts, queue', () => {
  it('retries a 500 and then succeeds', async () => {
    const slack = await receiver([{ status: 500, body: 'upstream broke' }, { status: 200 }])
    const notifier = createSlackNotifier({ webhookUrl: `${slack.url}${SLACK_PATH}`, ...FAST })
    notifier.notify(fired())
    await notifier.flush()

    expect(slack.requests).toHaveLength(2)
    expect(slack.requests[1]?.body).toEqual(slack.requests[0]?.body)
    expect(notifier.status()).toMatchObject({
      sent: 1,
      retries: 1,
      failures: 0,
      lastError: null,
      failingSince: null,
    })
    await notifier.close()
  })

  it('backs off exponentially between 5xx retries and gives up after `retries`', async () => {
    const slack = await receiver([], { status: 503 })
    const notifier = createSlackNotifier({
      webhookUrl: `${slack.url}${SLACK_PATH}`,
      ...FAST,
      backoffMs: 40,
      maxBackoffMs: 1000,
      retries: 3,
    })
    notifier.notify(fired())
    await notifier.flush()

    expect(slack.requests).toHaveLength(4)
    const gaps = slack.requests.slice(1).map((r, i) => r.at - (slack.requests[i]?.at ?? 0))
    // With jitter fixed at 0 the waits are half of 40, 80, 160 ms: 20, 40, 80 ms at least.
    expect(gaps[0]).toBeGreaterThanOrEqual(18)
    expect(gaps[1]).toBeGreaterThanOrEqual(38)
    expect(gaps[2]).toBeGreaterThanOrEqual(78)
    expect(notifier.status()).toMatchObject({
      sent: 0,
      retries: 3,
      failures: 1,
      lastError: 'HTTP 503: error',
    })
    await notifier.close()
  })

  it('honours Retry-After on a 429', async () => {
    const slack = await receiver([
      { status: 429, headers: { 'retry-after': '1' }, body: 'rate limited' },
      { status: 200 },
    ])
    const notifier = createSlackNotifier({ webhookUrl: `${slack.url}${SLACK_PATH}`, ...FAST })
    notifier.notify(fired())
    await notifier.flush()

    expect(slack.requests).toHaveLength(2)
    const gap = (slack.requests[1]?.at ?? 0) - (slack.requests[0]?.at ?? 0)
    expect(gap).toBeGreaterThanOrEqual(950)
    expect(notifier.status()).toMatchObject({ sent: 1, retries: 1 })
    await notifier.close()
  })

  it('backs off on a 429 without Retry-After as on a 5xx, and succeeds on the retry', async () => {
    const slack = await receiver([{ status: 429, body: 'slow down' }, { status: 200 }])
    const notifier = createSlackNotifier({
      webhookUrl: `${slack.url}${SLACK_PATH}`,
      ...FAST,
      backoffMs: 200,
      maxBackoffMs: 1000,
    })
    notifier.notify(fired())
    await notifier.flush()

    expect(slack.requests).toHaveLength(2)
    expect(slack.requests[1]?.body).toEqual(slack.requests[0]?.body)
    // With jitter fixed at 0 the wait is half of the first 200 ms step.
    const gap = (slack.requests[1]?.at ?? 0) - (slack.requests[0]?.at ?? 0)
    expect(gap).toBeGreaterThanOrEqual(95)
    expect(notifier.status()).toMatchObject({ sent: 1, retries: 1, failures: 0 })
    await notifier.close()
  })

  it('cuts a long Retry-After to maxRetryAfterMs', async () => {
    const slack = await receiver([{ status: 429, headers: { 'retry-after': '3600' } }])
    const notifier = createSlackNotifier({
      webhookUrl: `${slack.url}${SLACK_PATH}`,
      ...FAST,
      maxRetryAfterMs: 300,
    })
    notifier.notify(fired())
    await notifier.flush()
    const gap = (slack.requests[1]?.at ?? 0) - (slack.requests[0]?.at ?? 0)
    expect(slack.requests).toHaveLength(2)
    expect(gap).toBeGreaterThanOrEqual(280)
    expect(gap).toBeLessThan(10_000)
    await notifier.close()
  })

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000)
    expect(parseRetryAfter(['0.5'])).toBe(500)
    expect(parseRetryAfter(undefined)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
    const inTen = new Date(Date.now() + 10_000).toUTCString()
    expect(parseRetryAfter(inTen)).toBeGreaterThan(8000)
    expect(parseRetryAfter(inTen)).toBeLessThanOrEqual(10_000)
  })

  it('times out a receiver that never answers, then retries', async () => {
    const slack = await receiver(['hang', { status: 200 }])
    const notifier = createSlackNotifier({
      webhookUrl: `${slack.url}${SLACK_PATH}`,
      ...FAST,
      timeoutMs: 300,
    })
    notifier.notify(fired())
    await notifier.flush()

    expect(slack.requests).toHaveLength(2)
    const gap = (slack.requests[1]?.at ?? 0) - (slack.requests[0]?.at ?? 0)
    expect(gap).toBeGreaterThanOrEqual(280)
    expect(notifier.status()).toMatchObject({ sent: 1, retries: 1 })
    expect(logLines.join('\n')).toContain('timed out after 300 ms')
    await notifier.close()
  })

  it('does not retry a 400: the same request would be refused again', async () => {
    const pd = await receiver([], { status: 400, body: '{"message":"Event object is invalid"}' })
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      url: `${pd.url}/v2/enqueue`,
      ...FAST,
    })
    notifier.notify(fired())
    await notifier.flush()
    expect(pd.requests).toHaveLength(1)
    expect(notifier.status()).toMatchObject({
      failures: 1,
      retries: 0,
      lastError: 'HTTP 400: {"message":"Event object is invalid"}',
    })
    await notifier.close()
  })

  it('keeps only the start of a huge error body', async () => {
    const slack = await receiver([], { status: 503, body: 'x'.repeat(1_000_000) })
    const notifier = createSlackNotifier({
      webhookUrl: `${slack.url}${SLACK_PATH}`,
      ...FAST,
      retries: 0,
    })
    notifier.notify(fired())
    await notifier.flush()
    expect(notifier.status().lastError).toBe(`HTTP 503: ${'x'.repeat(200)}`)
    await notifier.close()
  })

  it('never blocks: notify returns at once, the queue is bounded and drops the oldest', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>(resolve => {
      release = resolve
    })
    const slack = await receiver([], (_req, res) => {
      gate.then(() => res.end('ok'))
    })
    const notifier = createSlackNotifier({
      webhookUrl: `${slack.url}${SLACK_PATH}`,
      ...FAST,
      queueSize: 2,
    })
    for (let i = 0; i < 6; i += 1) notifier.notify(fired({ fingerprint: `fp-${i}` }))
    // The first event is in flight; of the five queued behind it, the three oldest are dropped.
    expect(notifier.status()).toMatchObject({ queued: 2, dropped: 3 })

    await slack.waitFor(1)
    release()
    await notifier.flush()
    const sent = slack.requests.map(
      r => (r.body as { blocks: Array<{ elements?: unknown }> }).blocks,
    )
    expect(sent).toHaveLength(3)
    const contexts = JSON.stringify(sent.map(blocks => blocks[3]))
    expect(contexts).toContain('fp-0')
    expect(contexts).toContain('fp-4')
    expect(contexts).toContain('fp-5')
    expect(notifier.status()).toMatchObject({ sent: 3, dropped: 3, queued: 0 })
    await notifier.close()
  })

  it("sends the most severe waiting event first, and each alert's events in order", async () => {
    const hook = await gatedWebhook()
    const event = (type: 'fired' | 'resolved', fingerprint: string, severity: AlertSeverity) =>
      (type === 'fired' ? fired : resolved)({ fingerprint, severity })

    // The first event holds the receiver; the rest wait behind it in this order.
    hook.notifier.notify(event('fired', 'first', 'low'))
    await hook.receiver.waitFor(1)
    hook.notifier.notify(event('fired', 'warn', 'medium'))
    hook.notifier.notify(event('fired', 'down', 'critical'))
    hook.notifier.notify(event('fired', 'trend', 'low'))
    hook.notifier.notify(event('resolved', 'down', 'critical'))
    hook.notifier.notify(event('fired', 'slow', 'high'))
    hook.notifier.notify(event('resolved', 'warn', 'medium'))
    hook.release()
    await hook.notifier.flush()

    expect(hook.sent()).toEqual([
      'alert_fired:first',
      'alert_fired:down',
      'alert_resolved:down',
      'alert_fired:slow',
      'alert_fired:warn',
      'alert_resolved:warn',
      'alert_fired:trend',
    ])
    await hook.notifier.close()
  })

  it('drops the oldest of the least severe events when full, never a page for a warning', async () => {
    const hook = await gatedWebhook({ queueSize: 2 })

    hook.notifier.notify(fired({ fingerprint: 'first', severity: 'low' }))
    await hook.receiver.waitFor(1)
    hook.notifier.notify(fired({ fingerprint: 'down', severity: 'critical' }))
    hook.notifier.notify(fired({ fingerprint: 'trend', severity: 'low' }))
    hook.notifier.notify(fired({ fingerprint: 'warn', severity: 'medium' }))
    hook.notifier.notify(fired({ fingerprint: 'anomaly', severity: 'low' }))
    expect(hook.notifier.status()).toMatchObject({ queued: 2, dropped: 2 })
    hook.release()
    await hook.notifier.flush()

    expect(hook.sent()).toEqual(['alert_fired:first', 'alert_fired:down', 'alert_fired:warn'])
    await hook.notifier.close()
  })

  it('skips events below minSeverity', async () => {
    const pd = await receiver([], { status: 202 })
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      url: `${pd.url}/v2/enqueue`,
      minSeverity: 'high',
      ...FAST,
    })
    for (const severity of ['low', 'medium', 'high', 'critical'] as const) {
      notifier.notify(fired({ severity }))
    }
    await notifier.flush()
    const payloads = pd.requests.map(r => (r.body as { payload: { severity: string } }).payload)
    expect(payloads.map(p => p.severity)).toEqual(['error', 'critical'])
    await notifier.close()
  })

  it('close gives queued events a bounded time, then drops the rest', async () => {
    const slack = await receiver([], 'hang')
    const notifier = createSlackNotifier({
      webhookUrl: `${slack.url}${SLACK_PATH}`,
      ...FAST,
      timeoutMs: 10_000,
    })
    notifier.notify(fired())
    notifier.notify(fired())
    await slack.waitFor(1)
    await notifier.close(100)
    expect(notifier.status()).toMatchObject({ sent: 0, queued: 0, dropped: 1, failures: 1 })
    notifier.notify(fired())
    expect(notifier.status().queued).toBe(0)
  })
})

describe('secrets', () => {
  it('never puts the webhook URL or routing key in logs, errors or status', async () => {
    // Receivers that echo the secret back in their error body, the worst case.
    const slack = await receiver([], (req, res) => {
      res.writeHead(500)
      res.end(`no such hook ${req.url}`)
    })
    const pd = await receiver([], (_req, res, body) => {
      const key = (body as { routing_key: string }).routing_key
      res.writeHead(429, { 'retry-after': '0' })
      res.end(`routing key ${key} is rate limited`)
    })
    const slackUrl = `${slack.url}${SLACK_PATH}`
    const closedPortUrl = 'http://127.0.0.1:9/services/T0/B0/closedPortSecret42'
    const alerts = createAlertManager({
      intervalMs: 1000,
      alerts: {
        forMs: 0,
        notifiers: [
          { kind: 'slack', webhookUrl: slackUrl, retries: 1 },
          { kind: 'pagerduty', routingKey: ROUTING_KEY, url: `${pd.url}/v2/enqueue`, retries: 1 },
          { kind: 'webhook', url: closedPortUrl, retries: 1 },
        ],
      },
    })
    alerts.evaluate({
      time: new Date().toISOString(),
      sequence: 1,
      intervalMs: 1000,
      durationMs: 1,
      endpoints: [],
      host: { cpu: 99, memory: 10, disk: 10, network_rx: 0, network_tx: 0, load: 1 },
      custom: {},
    })
    await alerts.flush()

    const statuses = alerts.notifiers().map(n => n.status())
    expect(statuses.map(s => [s.kind, s.failures > 0, s.lastError !== null])).toEqual([
      ['slack', true, true],
      ['pagerduty', true, true],
      ['webhook', true, true],
    ])
    expect(statuses[0]?.lastError).toBe('HTTP 500: no such hook [redacted]')
    expect(statuses[1]?.lastError).toBe('HTTP 429: routing key [redacted] is rate limited')
    expect(statuses[2]?.lastError).toMatch(/ECONNREFUSED/)

    const everything = [
      ...logLines,
      JSON.stringify(statuses),
      JSON.stringify(alerts.problems()),
      JSON.stringify(alerts.notifiers()),
    ].join('\n')
    expect(logLines.length).toBeGreaterThan(0)
    for (const secret of [SLACK_PATH, 'XyZsecretToken123', ROUTING_KEY, 'closedPortSecret42']) {
      expect(everything).not.toContain(secret)
    }
    await alerts.close(100)
  })

  it('rejects a bad config without quoting the secret', () => {
    const attempt = () => createNotifier({ kind: 'slack', webhookUrl: 'hooks.slack.com/T0/secret' })
    expect(attempt).toThrow(PerfConfigError)
    expect(attempt).toThrow(/webhookUrl: got "a string that is not an http\(s\) URL"/)
    expect(() => createNotifier({ kind: 'pagerduty', routingKey: '' })).toThrow(/routingKey/)
    expect(() =>
      createSlackNotifier({ webhookUrl: 'https://hooks.slack.com/x', retries: -1 }),
    ).toThrow(/retries: got -1/)
  })

  it('bounds a notifier built directly at 24 h per duration, like the monitor options', () => {
    const url = 'https://hooks.slack.com/x'
    const day = 24 * 60 * 60 * 1000
    for (const key of ['timeoutMs', 'backoffMs', 'maxBackoffMs', 'maxRetryAfterMs']) {
      expect(() => createSlackNotifier({ webhookUrl: url, [key]: day + 1 })).toThrow(
        new RegExp(`${key}: got ${day + 1}.*from \\d+ to ${day} \\(24 h\\)`),
      )
    }
    expect(() => createSlackNotifier({ webhookUrl: url, timeoutMs: day })).not.toThrow()
  })
})

describe('configuration from the environment', () => {
  it('reads SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY and ALERT_WEBHOOK_URL with their options', () => {
    const setups = notifiersFromEnv({
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/A/B/C',
      SLACK_MIN_SEVERITY: 'MEDIUM',
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_MIN_SEVERITY: 'high',
      PAGERDUTY_SOURCE: 'prod-monitor',
      ALERT_WEBHOOK_URL: 'https://example.invalid/hook',
      ALERT_WEBHOOK_TOKEN: 'tok',
      ALERT_NOTIFY_TIMEOUT_MS: '2500',
      ALERT_NOTIFY_RETRIES: '5',
    })
    expect(setups).toEqual([
      {
        kind: 'slack',
        webhookUrl: 'https://hooks.slack.com/services/A/B/C',
        timeoutMs: 2500,
        retries: 5,
        minSeverity: 'medium',
      },
      {
        kind: 'pagerduty',
        routingKey: ROUTING_KEY,
        url: undefined,
        source: 'prod-monitor',
        timeoutMs: 2500,
        retries: 5,
        minSeverity: 'high',
      },
      {
        kind: 'webhook',
        url: 'https://example.invalid/hook',
        headers: { authorization: 'Bearer tok' },
        timeoutMs: 2500,
        retries: 5,
        minSeverity: 'low',
      },
    ])
    expect(notifiersFromEnv({})).toEqual([])
    expect(() => notifiersFromEnv({ SLACK_WEBHOOK_URL: 'x', SLACK_MIN_SEVERITY: 'p1' })).toThrow(
      /SLACK_MIN_SEVERITY: got "p1"; allowed: critical, high, medium, low/,
    )
  })

  it('names the variable, not the option, when a value read from the environment is wrong', () => {
    const build = (env: Record<string, string>) => () => createNotifiers(notifiersFromEnv(env))
    expect(build({ SLACK_WEBHOOK_URL: 'hooks.slack.com/x' })).toThrow(
      /^SLACK_WEBHOOK_URL: got "a string that is not an http\(s\) URL"; allowed: an http/,
    )
    expect(build({ PAGERDUTY_ROUTING_KEY: 'abc' })).toThrow(
      /^PAGERDUTY_ROUTING_KEY: got "a string shorter/,
    )
    expect(build({ PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: 'ftp://x' })).toThrow(
      /^PAGERDUTY_EVENTS_URL: /,
    )
    expect(build({ ALERT_WEBHOOK_URL: 'x' })).toThrow(/^ALERT_WEBHOOK_URL: /)
    expect(
      build({
        ALERT_WEBHOOK_URL: 'https://example.invalid/h',
        ALERT_NOTIFY_TIMEOUT_MS: '90000000',
      }),
    ).toThrow(/^ALERT_NOTIFY_TIMEOUT_MS: got 90000000/)
    for (const given of ['0x10', '1e3', '-1', 'soon']) {
      expect(() => notifiersFromEnv({ ALERT_NOTIFY_RETRIES: given })).toThrow(
        `ALERT_NOTIFY_RETRIES: got ${JSON.stringify(given)}; allowed: a decimal number, 0 or more`,
      )
    }
    // A setup written by hand keeps its own option names.
    expect(() => createNotifier({ kind: 'slack', webhookUrl: 'x' })).toThrow(/^webhookUrl: /)
  })
})

describe('configured notifiers', () => {
  it('names a mistake under the path the config was given at', () => {
    const at = 'alerts.notifiers[2]'
    const check = (config: Record<string, unknown>) => () =>
      checkNotifier(config as unknown as NotifierSetup, at)
    expect(check({ kind: 'slack' })).toThrow(
      /^alerts\.notifiers\[2\]\.webhookUrl: got undefined; allowed: an http/,
    )
    expect(check({ kind: 'pagerduty', routingKey: ROUTING_KEY, url: 'ftp://x' })).toThrow(
      /^alerts\.notifiers\[2\]\.url: /,
    )
    expect(check({ kind: 'webhook', url: 'https://h.example/', retries: -1 })).toThrow(
      /^alerts\.notifiers\[2\]\.retries: got -1; allowed: an integer, 0 or more$/,
    )
    expect(check({ kind: 'teams' })).toThrow(/^alerts\.notifiers\[2\]\.kind: got "teams"/)
    expect(check({ kind: 'slack', webhookUrl: 'https://hooks.slack.com/x' })).not.toThrow()

    const error = (() => {
      try {
        check({ kind: 'slack', timeoutMs: 1e12, webhookUrl: 'https://hooks.slack.com/x' })()
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(PerfConfigError)
    expect((error as PerfConfigError).option).toBe('alerts.notifiers[2].timeoutMs')
  })

  it('refuses a header value that is not a string without showing any value', () => {
    const headers = { authorization: 'Bearer t0ken-secret', 'x-retry': 3 }
    const attempt = () =>
      createWebhookNotifier({ url: 'https://h.example/', headers: headers as never })
    expect(attempt).toThrow(/^headers\.x-retry: got a number; allowed: a string$/)
    expect(() =>
      createWebhookNotifier({ url: 'https://h.example/', headers: 'Bearer t0ken-secret' as never }),
    ).toThrow(/^headers: got a string; allowed: an object of header names to string values$/)
  })
})

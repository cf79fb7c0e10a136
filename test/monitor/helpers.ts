import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'
import type { EndpointSnapshot, Monitor, MonitorMessage } from '../../src/monitor/index.js'

/**
 * The monitor variables blanked for every test: what the tests prove must not depend on a
 * token, Redis URL, interval, port or address in the runner's environment (or in .env, which
 * never overrides a set variable), and a notifier configured there must never be sent to
 * (tests talk to loopback only).
 */
export const ISOLATED_ENV: Record<string, string> = Object.fromEntries(
  [
    'MONITOR_TOKEN',
    'REDIS_URL',
    'MONITORING_INTERVAL',
    'MONITOR_PORT',
    'MONITOR_HOST',
    'SLACK_WEBHOOK_URL',
    'PAGERDUTY_ROUTING_KEY',
    'ALERT_WEBHOOK_URL',
  ].map(name => [name, '']),
)
Object.assign(process.env, ISOLATED_ENV)

/** Waits until `check` holds, polling every 20 ms; throws after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`)
    await sleep(20)
  }
}

/** Waits for the monitor to complete `count` more intervals. */
export async function intervals(
  monitor: Monitor,
  count: number,
  timeoutMs = 15_000,
): Promise<void> {
  const target = (monitor.latest()?.sequence ?? 0) + count
  await until(() => (monitor.latest()?.sequence ?? 0) >= target, timeoutMs, `${count} intervals`)
}

/** A WebSocket client that records every message. */
export interface Recorder {
  socket: WebSocket
  messages: MonitorMessage[]
  next(type: MonitorMessage['type'], after?: number, timeoutMs?: number): Promise<MonitorMessage>
  close(): void
}

/** Opens `/ws/metrics` and records messages; rejects when the upgrade is refused. */
export async function connect(
  url: string,
  headers: Record<string, string> = {},
  options: { autoPong?: boolean } = {},
): Promise<Recorder> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers, ...options })
  const messages: MonitorMessage[] = []
  socket.on('message', data => messages.push(JSON.parse(String(data)) as MonitorMessage))
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`refused with ${res.statusCode}`)),
    )
    socket.once('error', reject)
  })
  return {
    socket,
    messages,
    async next(type, after = 0, timeoutMs = 10_000) {
      let found: MonitorMessage | undefined
      await until(
        () => {
          found = messages.slice(after).find(m => m.type === type)
          return found !== undefined
        },
        timeoutMs,
        `a ${type} message`,
      )
      return found as MonitorMessage
    },
    close: () => socket.terminate(),
  }
}

/** GETs a path and parses JSON. */
export async function getJson(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, { headers })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** True when nothing listens at `base` any more. */
export async function refused(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/health`)
    return false
  } catch {
    return true
  }
}

/** A threshold rule on the api endpoint's p95, valid as it stands: tests patch one field. */
export const P95_RULE = {
  name: 'r',
  severity: 'high' as const,
  component: 'api',
  metric: 'p95',
  comparator: '>' as const,
  threshold: 100,
}

/** What a probe of a healthy endpoint returns: p50 1, p95 2, p99 3 ms, one 200. */
export function steadySnapshot(endpoint: {
  name: string
  method: string
  url: string
}): EndpointSnapshot {
  return {
    name: endpoint.name,
    method: endpoint.method,
    url: endpoint.url,
    p50: 1,
    p95: 2,
    p99: 3,
    availability: 100,
    requests: 1,
    statusCodes: { '200': 1 },
    errors: {},
    probeError: null,
    objectives: {},
  }
}

import { SEVERITIES } from './alerts/types.js'
import type { Alert, MonitorHealth, MonitorSnapshot } from './types.js'

/** The states an active alert can be in. */
const ALERT_STATES = ['pending', 'firing'] as const

/** What `/metrics` renders. */
export interface PrometheusInput {
  snapshot: MonitorSnapshot | null
  alerts: Alert[]
  health: MonitorHealth
  /** WebSocket clients dropped for being too slow, since start. */
  droppedClients: number
  /** Recent API request handling times by quantile (`0.5`, `0.95`, `0.99`), ms; null if none. */
  requestMs?: Record<string, number> | null
}

type Labels = Record<string, string>

/**
 * The monitor's state in the Prometheus text exposition format (version 0.0.4): every value
 * a gauge of the latest interval, plus counters of the monitor itself. Label values are
 * escaped as the format requires (backslash, double quote, newline).
 */
export function renderPrometheus({
  snapshot,
  alerts,
  health,
  droppedClients,
  requestMs = null,
}: PrometheusInput): string {
  const out: string[] = []
  const family = (
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    rows: Array<[Labels, number | null]>,
  ) => {
    const present = rows.filter(
      (row): row is [Labels, number] => row[1] !== null && Number.isFinite(row[1]),
    )
    if (!present.length) return
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of present) out.push(`${name}${renderLabels(labels)} ${value}`)
  }

  family('vitest_perf_monitor_up', 'gauge', 'The monitor is running.', [[{}, 1]])
  family('vitest_perf_monitor_samples_total', 'counter', 'Intervals completed since start.', [
    [{}, health.samples],
  ])
  family('vitest_perf_monitor_problems', 'gauge', 'Problems the health endpoint reports.', [
    [{}, health.problems.length],
  ])
  family('vitest_perf_monitor_websocket_clients', 'gauge', 'Connected WebSocket clients.', [
    [{}, health.clients],
  ])
  family(
    'vitest_perf_monitor_websocket_dropped_total',
    'counter',
    'WebSocket clients dropped for being too slow.',
    [[{}, droppedClients]],
  )
  family(
    'vitest_perf_monitor_redis_up',
    'gauge',
    'Redis history connected (1), down (0); absent in memory mode.',
    [[{}, health.history.redis === 'memory' ? null : health.history.redis === 'connected' ? 1 : 0]],
  )
  family(
    'vitest_perf_monitor_history_buffered_points',
    'gauge',
    'Points waiting to be written to Redis.',
    [[{}, health.history.buffered]],
  )

  family(
    'vitest_perf_monitor_api_request_duration_ms',
    'gauge',
    'API request handling time over the latest 1024 requests, by quantile, milliseconds.',
    Object.entries(requestMs ?? {}).map(([quantile, ms]): [Labels, number] => [{ quantile }, ms]),
  )

  if (snapshot) {
    const endpoints = snapshot.endpoints
    family(
      'vitest_perf_endpoint_latency_ms',
      'gauge',
      'Probe latency at a quantile over the last interval, milliseconds.',
      endpoints.flatMap(e => [
        [{ endpoint: e.name, quantile: '0.5' }, e.p50] as [Labels, number | null],
        [{ endpoint: e.name, quantile: '0.95' }, e.p95] as [Labels, number | null],
        [{ endpoint: e.name, quantile: '0.99' }, e.p99] as [Labels, number | null],
      ]),
    )
    family(
      'vitest_perf_endpoint_availability_percent',
      'gauge',
      'Probe requests that succeeded in the last interval, percent.',
      endpoints.map(e => [{ endpoint: e.name }, e.availability]),
    )
    family(
      'vitest_perf_endpoint_responses',
      'gauge',
      'Probe responses in the last interval by status code.',
      endpoints.flatMap(e =>
        Object.entries(e.statusCodes).map(
          ([code, n]) => [{ endpoint: e.name, code }, n] as [Labels, number],
        ),
      ),
    )
    family(
      'vitest_perf_endpoint_errors',
      'gauge',
      'Failed probe requests in the last interval by kind.',
      endpoints.flatMap(e =>
        Object.entries(e.errors).map(
          ([kind, n]) => [{ endpoint: e.name, kind }, n] as [Labels, number],
        ),
      ),
    )
    const host = snapshot.host
    family('vitest_perf_host_cpu_percent', 'gauge', 'Whole-host CPU, percent.', [[{}, host.cpu]])
    family('vitest_perf_host_memory_percent', 'gauge', 'Memory used, percent.', [[{}, host.memory]])
    family('vitest_perf_host_disk_percent', 'gauge', 'Disk used, percent.', [[{}, host.disk]])
    family(
      'vitest_perf_host_network_receive_bytes_per_second',
      'gauge',
      'Network receive, bytes per second.',
      [[{}, host.network_rx]],
    )
    family(
      'vitest_perf_host_network_transmit_bytes_per_second',
      'gauge',
      'Network transmit, bytes per second.',
      [[{}, host.network_tx]],
    )
    family('vitest_perf_host_load1', 'gauge', 'One-minute load average.', [[{}, host.load]])
    family(
      'vitest_perf_custom',
      'gauge',
      'Custom collector values.',
      Object.entries(snapshot.custom).map(([name, value]) => [{ name }, value]),
    )
  }

  // Every severity and state is written, at 0 when none is active, so that a query for no
  // critical alerts (`== 0`) has a series to match instead of an absent one.
  const counts = new Map<string, { labels: Labels; n: number }>()
  for (const severity of SEVERITIES) {
    for (const state of ALERT_STATES) {
      counts.set(`${severity}/${state}`, { labels: { severity, state }, n: 0 })
    }
  }
  for (const alert of alerts) {
    const entry = counts.get(`${alert.severity}/${alert.state}`)
    if (entry) entry.n += 1
  }
  family(
    'vitest_perf_alerts_active',
    'gauge',
    'Pending and firing alerts by severity and state.',
    [...counts.values()].map(({ labels, n }) => [labels, n]),
  )

  return `${out.join('\n')}\n`
}

function renderLabels(labels: Labels): string {
  const entries = Object.entries(labels)
  if (!entries.length) return ''
  return `{${entries.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

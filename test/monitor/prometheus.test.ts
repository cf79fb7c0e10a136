import { describe, expect, it } from 'vitest'
import type { Alert, MonitorHealth, MonitorSnapshot } from '../../src/monitor/index.js'
import { renderPrometheus } from '../../src/monitor/prometheus.js'

const health: MonitorHealth = {
  status: 'degraded',
  uptimeSeconds: 12,
  lastSampleAt: null,
  samples: 7,
  history: { redis: 'down', buffered: 14 },
  clients: 3,
  problems: [{ kind: 'redis', name: 'redis', message: 'down', since: '2026-01-01T00:00:00.000Z' }],
}

const snapshot: MonitorSnapshot = {
  time: '2026-01-01T00:00:00.000Z',
  sequence: 7,
  intervalMs: 1000,
  durationMs: 12,
  endpoints: [
    {
      name: 'api',
      method: 'GET',
      url: 'http://127.0.0.1/',
      p50: 1.5,
      p95: 4,
      p99: null,
      availability: 80,
      requests: 5,
      statusCodes: { '200': 4, '503': 1 },
      errors: { status_5xx: 1 },
      probeError: null,
      objectives: {},
    },
  ],
  host: { cpu: 12.5, memory: null, disk: 40, network_rx: 100, network_tx: 0, load: 0.5 },
  custom: { 'pool."busy"\\n': 3, gone: null },
}

describe('renderPrometheus', () => {
  it('writes gauges and counters in the text format, skipping unmeasured values and escaping labels', () => {
    const alerts = [
      { severity: 'critical', state: 'firing' },
      { severity: 'critical', state: 'firing' },
      { severity: 'low', state: 'pending' },
    ] as Alert[]
    const text = renderPrometheus({ snapshot, alerts, health, droppedClients: 2 })
    const lines = text.trim().split('\n')

    expect(lines).toContain('vitest_perf_monitor_samples_total 7')
    expect(lines).toContain('vitest_perf_monitor_redis_up 0')
    expect(lines).toContain('vitest_perf_monitor_history_buffered_points 14')
    expect(lines).toContain('vitest_perf_monitor_websocket_dropped_total 2')
    expect(lines).toContain('vitest_perf_endpoint_latency_ms{endpoint="api",quantile="0.5"} 1.5')
    expect(lines.some(l => l.includes('quantile="0.99"'))).toBe(false)
    expect(lines).toContain('vitest_perf_endpoint_responses{endpoint="api",code="503"} 1')
    expect(lines).toContain('vitest_perf_host_cpu_percent 12.5')
    expect(lines.some(l => l.startsWith('vitest_perf_host_memory_percent'))).toBe(false)
    expect(lines).toContain('vitest_perf_custom{name="pool.\\"busy\\"\\\\n"} 3')
    expect(lines).toContain('vitest_perf_alerts_active{severity="critical",state="firing"} 2')
    expect(lines).toContain('vitest_perf_alerts_active{severity="low",state="pending"} 1')
    // Every severity and state has a series, at 0 when nothing is active there.
    expect(lines).toContain('vitest_perf_alerts_active{severity="high",state="firing"} 0')
    expect(lines.filter(l => l.startsWith('vitest_perf_alerts_active{'))).toHaveLength(8)
    expect(lines).toContain('# TYPE vitest_perf_monitor_samples_total counter')
    // Each family is introduced once, before its samples.
    const types = lines.filter(l => l.startsWith('# TYPE')).map(l => l.split(' ')[2])
    expect(new Set(types).size).toBe(types.length)
  })

  it('leaves the Redis gauge out in memory mode', () => {
    const text = renderPrometheus({
      snapshot: null,
      alerts: [],
      health: { ...health, history: { redis: 'memory', buffered: 0 } },
      droppedClients: 0,
    })
    expect(text).not.toContain('vitest_perf_monitor_redis_up')
    expect(text).not.toContain('vitest_perf_endpoint')
  })
})

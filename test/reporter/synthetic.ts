// Synthetic but realistic results for the reporter's tests and benchmark: a deterministic
// pseudo-random latency distribution recorded into a real HDR histogram, a per-second
// timeline, host samples, compliance rows.
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js'
import type {
  ComplianceRow,
  HostSummary,
  LoadResult,
  PerfReport,
  ScenarioRecord,
  TimelineEntry,
} from '../../src/types.js'

/** Shape of one synthetic scenario. */
export interface SyntheticOptions {
  label?: string
  url?: string
  /** Seconds of timeline. Default 30. */
  seconds?: number
  /** Median latency, ms. Default 12. */
  medianMs?: number
  /** Requests per second. Default 200. */
  rps?: number
  /** Open model, with a corrected histogram. Default false. */
  open?: boolean
  /** Host summary with samples. Default true. */
  host?: boolean
  saturated?: boolean
  seed?: number
  settings?: LoadResult['settings']
}

/** A LoadResult whose figures agree with each other (percentiles come from its histogram). */
export function syntheticResult(options: SyntheticOptions = {}): LoadResult {
  const seconds = options.seconds ?? 30
  const median = options.medianMs ?? 12
  const rps = options.rps ?? 200
  const random = seeded(options.seed ?? 1)

  const raw = build()
  const corrected = build()
  const sampled = Math.min(rps * seconds, 20_000)
  for (let i = 0; i < sampled; i++) {
    // log-normal around the median, with a heavier tail every 50th request
    const ms = median * Math.exp(0.35 * normal(random)) * (i % 50 === 0 ? 3 : 1)
    raw.recordValue(Math.max(1, Math.round(ms * 1000)))
    corrected.recordValue(Math.max(1, Math.round(ms * 1000 * 1.2)))
  }
  const summary = (histogram: typeof raw) => ({
    min: histogram.minNonZeroValue / 1000,
    mean: histogram.mean / 1000,
    stdev: histogram.stdDeviation / 1000,
    p50: histogram.getValueAtPercentile(50) / 1000,
    p90: histogram.getValueAtPercentile(90) / 1000,
    p95: histogram.getValueAtPercentile(95) / 1000,
    p99: histogram.getValueAtPercentile(99) / 1000,
    p999: histogram.getValueAtPercentile(99.9) / 1000,
    max: histogram.maxValue / 1000,
  })

  const timeline: TimelineEntry[] = Array.from({ length: seconds }, (_, t) => {
    const spike = t === Math.floor(seconds * 0.6) ? 4 : 1
    return {
      t,
      rps: Math.round(rps * (0.95 + 0.1 * random())),
      errors: t % 17 === 5 ? 2 : 0,
      dropped: 0,
      p50: round(median * (0.95 + 0.1 * random()) * spike),
      p95: round(median * 1.8 * (0.95 + 0.1 * random()) * spike),
      p99: round(median * 2.6 * (0.95 + 0.1 * random()) * spike),
      inFlight: 10,
    }
  })
  const total = rps * seconds
  const failed = timeline.reduce((sum, entry) => sum + entry.errors, 0)
  const label = options.label ?? 'GET /api/items'

  return {
    label,
    target: { kind: 'http', method: 'GET', url: options.url ?? 'http://127.0.0.1:3000/api/items' },
    model: options.open ? 'open' : 'closed',
    startedAt: '2026-12-03T10:00:00.000Z',
    durationMs: seconds * 1000,
    requests: { total, succeeded: total - failed, failed, dropped: 0 },
    successRate: round((100 * (total - failed)) / total),
    throughputRps: rps,
    latencyMs: summary(raw),
    correctedLatencyMs: options.open ? summary(corrected) : null,
    statusCodes: { '200': total - failed, '503': failed },
    errors: failed ? { status_5xx: failed } : {},
    bytesReceived: total * 512,
    timeline,
    histogram: encodeIntoCompressedBase64(raw),
    correctedHistogram: options.open ? encodeIntoCompressedBase64(corrected) : null,
    aborted: false,
    stopReason: null,
    host:
      options.host === false ? null : syntheticHost(seconds, random, options.saturated ?? false),
    settings: options.settings ?? { connections: 10, duration: `${seconds}s` },
  }
}

function syntheticHost(seconds: number, random: () => number, saturated: boolean): HostSummary {
  const thresholds = {
    cpu: { normal: 40, warning: 70, critical: 85 },
    memory: { normal: 60, warning: 75, critical: 90 },
  }
  const samples = Array.from({ length: seconds }, (_, t) => ({
    t,
    cpu: round(30 + 20 * random()),
    memory: round(50 + 5 * random()),
    disk: round(40 + random()),
    rxBps: 100_000,
    txBps: 50_000,
    loopDelayP99Ms: round(2 + 3 * random()),
    loopUtilization: 0.4,
  }))
  return {
    intervalMs: 1000,
    sampleCount: samples.length,
    cpu: {
      value: 48,
      basis: 'p95',
      peak: 50,
      mean: 40,
      level: 'elevated',
      thresholds: thresholds.cpu,
    },
    memory: {
      value: 55,
      basis: 'p95',
      peak: 55,
      mean: 52,
      level: 'normal',
      thresholds: thresholds.memory,
    },
    disk: null,
    eventLoop: { delayMs: { p50: 2, p99: 5, max: 9 }, utilization: saturated ? 0.98 : 0.4 },
    saturated,
    saturationReason: saturated ? 'event-loop utilisation 98% (above 90%)' : null,
    unavailable: ['disk'],
    samples,
  }
}

/** Compliance rows for a result: p95 and p99 budgets, a success-rate floor, a throughput floor. */
export function syntheticRows(
  result: LoadResult,
  budgets: { p95?: number; p99?: number; successRate?: number; throughput?: number } = {},
): ComplianceRow[] {
  const rows: ComplianceRow[] = []
  const add = (
    metric: string,
    target: number,
    actual: number,
    unit: string,
    comparator: '<=' | '>=',
  ) =>
    rows.push({
      scenario: result.label,
      metric,
      target,
      actual,
      unit,
      comparator,
      passed: comparator === '<=' ? actual <= target : actual >= target,
    })
  if (budgets.p95 !== undefined) add('p95', budgets.p95, result.latencyMs.p95, 'ms', '<=')
  if (budgets.p99 !== undefined) add('p99', budgets.p99, result.latencyMs.p99, 'ms', '<=')
  if (budgets.successRate !== undefined)
    add('successRate', budgets.successRate, result.successRate, '%', '>=')
  if (budgets.throughput !== undefined)
    add('throughput', budgets.throughput, result.throughputRps, 'req/s', '>=')
  return rows
}

/** A whole report of `count` scenarios, as the reporter would build it. */
export function syntheticReport(count: number, options: SyntheticOptions = {}): PerfReport {
  const scenarios: ScenarioRecord[] = Array.from({ length: count }, (_, index) => {
    const result = syntheticResult({
      ...options,
      label: `GET /api/items/${index}`,
      seed: index + 1,
      open: index % 2 === 1,
    })
    return {
      ...result,
      id: `test-${index}:0`,
      name: `load > endpoint ${index}`,
      file: 'perf/endpoints.perf.ts',
      tags: ['performance', 'load'],
      state: 'passed',
      compliance: syntheticRows(result, { p95: 40, p99: 60, successRate: 99, throughput: 100 }),
    }
  })
  return {
    schemaVersion: 1,
    tool: { name: 'vitest-perf', version: '0.1.0' },
    startedAt: '2026-12-03T10:00:00.000Z',
    finishedAt: '2026-12-03T10:12:00.000Z',
    environment: {
      node: process.version,
      os: 'Linux',
      cpus: 2,
      cpuModel: 'test cpu',
      memoryBytes: 8 * 1024 ** 3,
      baseUrl: 'http://127.0.0.1:3000',
      ci: false,
    },
    summary: { scenarios: count, passed: count, failed: 0, skipped: 0 },
    scenarios,
    tests: [],
  }
}

function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random())
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

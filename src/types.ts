/**
 * The data the parts of vitest-perf hand to each other: a load result, a host summary,
 * compliance rows and the test meta the reporter reads. Every value here is plain JSON
 * (no Map, Date or typed array), because results travel through Vitest's blob reporter
 * and `--merge-reports`, which turn anything else into junk.
 */

/** Latency statistics of one scenario, every field in milliseconds. */
export interface LatencySummary {
  /** Smallest recorded latency, ms. */
  min: number
  /** Arithmetic mean, ms. */
  mean: number
  /** Standard deviation, ms. */
  stdev: number
  /** Median, ms: the histogram's value at the 50th percentile. */
  p50: number
  /** 90th percentile, ms. */
  p90: number
  /** 95th percentile, ms. */
  p95: number
  /** 99th percentile, ms. */
  p99: number
  /** 99.9th percentile, ms. */
  p999: number
  /** Largest recorded latency, ms. */
  max: number
}

/** One second of a run, summarised to a fixed size so memory does not grow with duration. */
export interface TimelineEntry {
  /** Seconds since the measured phase started (after warm-up); the entry covers [t, t + 1). */
  t: number
  /** Responses completed in this second (successes and failures), requests per second. */
  rps: number
  /** Failed requests completed in this second. */
  errors: number
  /** Requests dropped in this second because `maxInFlight` was reached (open model). */
  dropped: number
  /** Raw latency percentiles of the requests completed in this second, ms (0 when none). */
  p50: number
  /** 95th percentile of this second, ms. */
  p95: number
  /** 99th percentile of this second, ms. */
  p99: number
  /** Requests in flight at the end of this second. */
  inFlight: number
}

/** What a scenario was aimed at, with secrets redacted. */
export type ResultTarget =
  | { kind: 'http'; method: string; url: string }
  | { kind: 'function'; name: string }

/** Request counts. `succeeded + failed = total`; `dropped` requests were never sent. */
export interface RequestCounts {
  /** Requests sent and completed (or timed out) during the measured phase. */
  total: number
  /** Requests whose status was expected and whose check passed. */
  succeeded: number
  /** Requests that failed: an error, an unexpected status or a failed check. */
  failed: number
  /** Open model: arrivals that could not start because `maxInFlight` was reached. */
  dropped: number
  /**
   * Requests of the measured phase still in flight (or waiting for a connection) when the run
   * was stopped early or its end-of-duration drain ran out of time: cancelled, so neither
   * succeeded nor failed and not in `total`. Absent when zero.
   */
  interrupted?: number
}

/** The outcome of one scenario run by `load()` or `measure()`. Plain JSON. */
export interface LoadResult {
  /** The scenario's label: its `name` option, else the method and path. */
  label: string
  target: ResultTarget
  /** `closed`: connections send back to back; `open`: requests arrive at a rate. */
  model: 'closed' | 'open'
  /** When the measured phase began, ISO 8601. */
  startedAt: string
  /** Length of the measured phase (warm-up excluded), ms. */
  durationMs: number
  requests: RequestCounts
  /** Percent of `requests.total` that succeeded, 0..100; 0 when nothing completed but requests were dropped or cut off, 100 when nothing was attempted. */
  successRate: number
  /** Completed requests per second over the measured phase. */
  throughputRps: number
  /** Raw latency: from each request's write to a connected socket to its response's end, ms. */
  latencyMs: LatencySummary
  /** Open model: latency from each request's scheduled arrival (coordinated omission corrected), ms. */
  correctedLatencyMs: LatencySummary | null
  /** Response counts by HTTP status code. */
  statusCodes: Record<string, number>
  /** Failure counts by kind: `timeout`, `ECONNREFUSED`, `ECONNRESET`, `dns`, `status_5xx`, `check`, ... */
  errors: Record<string, number>
  /** Bytes of response bodies received (consumed, never kept). */
  bytesReceived: number
  /** One entry per second of the measured phase. */
  timeline: TimelineEntry[]
  /** The raw latency histogram (µs), HDR compressed base64, so results merge exactly. */
  histogram: string
  /** The corrected latency histogram (µs), open model only. */
  correctedHistogram: string | null
  /** True when the run stopped early (an abort signal or `abortOnFail`). */
  aborted: boolean
  /** Why the run stopped early, in words; null when it ran to the end. */
  stopReason: string | null
  /** Host resources during the run, when a recorder ran around it. */
  host: HostSummary | null
  /** The options that shaped the run, as given (secrets redacted). */
  settings: Record<string, string | number | boolean | null>
}

/** A resource's level: below normal's bound, between normal and warning, at warning, at critical. */
export type ResourceLevel = 'normal' | 'elevated' | 'warning' | 'critical'

/** The percent bounds of one resource: `normal` below the first, `warning` and `critical` at or above. */
export interface LevelThresholds {
  /** Values below this are `normal`; from here to `warning` they are `elevated`, percent. */
  normal: number
  /** At or above: `warning`, percent. */
  warning: number
  /** At or above: `critical`, percent. */
  critical: number
}

/** A resource judged over a scenario. */
export interface ResourceJudgement {
  /** The value the level was judged on (p95 by default, or mean or max), percent. */
  value: number
  /** Which statistic `value` is. */
  basis: 'p95' | 'mean' | 'max'
  /** Highest sample, percent. */
  peak: number
  /** Mean of the samples, percent. */
  mean: number
  /** 95th percentile of the samples (nearest rank), percent, whatever `basis` is. */
  p95?: number
  /** Number of samples judged. */
  samples?: number
  level: ResourceLevel
  thresholds: LevelThresholds
}

/** One host sample, kept (downsampled when long) for the report's charts. */
export interface HostSample {
  /** Seconds since the recorder started. */
  t: number
  /** Whole-host CPU, percent; null where it cannot be measured. */
  cpu: number | null
  /** Memory used, percent; null where unavailable. */
  memory: number | null
  /** Highest disk usage of the watched mount points, percent; null where unavailable. */
  disk: number | null
  /** Network receive, bytes per second; null where unavailable. */
  rxBps: number | null
  /** Network transmit, bytes per second; null where unavailable. */
  txBps: number | null
  /** Generator event-loop delay p99 over the interval, ms. */
  loopDelayP99Ms: number
  /** Generator event-loop utilisation over the interval, 0..1. */
  loopUtilization: number
  /** Watched processes: CPU percent and RSS bytes by pid; null once the process is gone. */
  processes?: Record<string, { cpu: number; rssBytes: number } | null>
  /** Custom collector values by name. */
  custom?: Record<string, number>
  /** CPU per core, percent, in the order the OS lists cores; null where unavailable. */
  cpuCores?: number[] | null
  /** Memory used (total minus available), bytes; null where unavailable. */
  memoryUsedBytes?: number | null
  /** Disk usage by mount point, percent; null for a mount that could not be read. */
  disks?: Record<string, number | null>
  /** Load average over 1, 5 and 15 minutes; null where the OS has none (Windows). */
  loadAverage?: [number, number, number] | null
  /** Generator event-loop delay median over the interval, ms. */
  loopDelayP50Ms?: number
  /** Generator event-loop delay maximum over the interval, ms. */
  loopDelayMaxMs?: number
}

/** What the host recorder saw during a scenario. */
export interface HostSummary {
  /** Sampling interval, ms. */
  intervalMs: number
  /** Number of samples taken. */
  sampleCount: number
  cpu: ResourceJudgement | null
  memory: ResourceJudgement | null
  disk: ResourceJudgement | null
  /** The load generator's own event loop. */
  eventLoop: {
    /** Event-loop delay percentiles over the whole recording, ms. */
    delayMs: { p50: number; p99: number; max: number }
    /** Mean event-loop utilisation, 0..1. */
    utilization: number
  }
  /** True when the generator was saturated, so its latency figures are inflated. */
  saturated: boolean
  /** The plain-words reason when saturated, else null. */
  saturationReason: string | null
  /** Measurements this platform could not take (e.g. `disk` on an unsupported OS). */
  unavailable: string[]
  /** Samples over time, bounded in number. */
  samples: HostSample[]
  /** Total memory of the host, bytes; null where unavailable. */
  memoryTotalBytes?: number | null
  /** Watched processes by pid: CPU (percent of one core, so up to 100 × cores) and RSS. */
  processes?: Record<
    string,
    {
      /** 95th percentile (nearest rank) of the process's CPU samples, percent of one core. */
      cpuP95: number | null
      /** Highest CPU sample, percent of one core. */
      cpuPeak: number | null
      /** Highest resident set size, bytes. */
      rssPeakBytes: number | null
      /** Seconds since the recorder started when the process was first seen gone; null if alive. */
      goneAtS: number | null
    }
  >
  /** Custom collectors that failed or timed out: reported once each, with how often it happened. */
  collectorFailures?: Array<{ collector: string; reason: string; count: number }>
}

/** One objective judged: what was asked, what was measured, and the verdict. */
export interface ComplianceRow {
  /** The scenario (or objective table label) the row belongs to. */
  scenario: string
  /** `p95`, `successRate`, `throughput`, `cpu`, `regression`, ... */
  metric: string
  /** The objective's bound, in `unit`. */
  target: number
  /** The measured value, in `unit`; null when it could not be measured. */
  actual: number | null
  /** `ms`, `%`, `req/s`. */
  unit: string
  /**
   * `<=` for budgets (latency), `>=` for floors (success rate, throughput); `<` and `>`
   * when a k6-style objective excluded equality (`'p(95) < 300'`, `'throughput > 50'`).
   */
  comparator: '<=' | '>=' | '<' | '>'
  passed: boolean
}

/** What a test carries in `task.meta.perf`: its scenarios and every compliance row recorded. */
export interface PerfMeta {
  results: LoadResult[]
  compliance: ComplianceRow[]
}

declare module 'vitest' {
  interface TaskMeta {
    perf?: PerfMeta
  }
}

// `vitest` re-exports TaskMeta from `@vitest/runner`; augmenting the re-export alone does not
// reach `RunnerTestCase.meta` or the reporter's `TestCase.meta()`, which use the runner's own.
declare module '@vitest/runner' {
  interface TaskMeta {
    perf?: PerfMeta
  }
}

/** An unusual point in a series, with the reason in words. */
export interface Anomaly {
  /** Which series: `p95`, `rps`, `errors`, `cpu`, ... */
  metric: string
  /** Time of the point, seconds from the series start. */
  t: number
  value: number
  /** How far from normal, in the method's own score (robust z, or EWMA sigmas). */
  score: number
  method: 'robust-z' | 'ewma'
  /** One sentence a reader can check: what was expected, what was seen. */
  reason: string
}

/** A least-squares trend, reported only when it is meaningful. */
export interface Trend {
  metric: string
  /** Change per minute, in `unit`. */
  slopePerMinute: number
  /** Coefficient of determination, 0..1. */
  r2: number
  unit: string
  /** Number of points the fit used. */
  points: number
  description: string
}

/** A step change found by the change-point detector. */
export interface LevelShift {
  metric: string
  /** When the shift began, seconds from the series start. */
  t: number
  /** Mean before the shift, in the metric's unit. */
  before: number
  /** Mean after the shift. */
  after: number
  /** Which way the level stepped. */
  direction?: 'up' | 'down'
  /** When the detector raised the alarm, seconds from the series start (at or after `t`). */
  detectedAt?: number
  description: string
}

/** Advice from an explainable rule, with the figures that fired it. */
export interface Advice {
  /** The rule's name: `generator-saturated`, `latency-knee`, `memory-leak`, ... */
  rule: string
  severity: 'info' | 'warning' | 'critical'
  message: string
  evidence: Record<string, number | string>
}

/** Everything the insights found in one scenario. */
export interface ScenarioInsights {
  anomalies: Anomaly[]
  trends: Trend[]
  levelShifts: LevelShift[]
  advice: Advice[]
}

/** One scenario against its baseline. */
export interface BaselineComparison {
  scenario: string
  /** The statistic compared (median of per-second p50 latency by default). */
  metric: string
  /** Baseline value, ms. */
  before: number
  /** This run's value, ms. */
  after: number
  /** (after / before - 1) in percent. */
  changePct: number
  /** Bootstrap confidence interval of the change, percent, [low, high]. */
  ciPct: [number, number]
  /** Mann-Whitney U two-sided p-value. */
  pValue: number
  /** `inconclusive`: too few seconds with responses on a side to judge (see `reason`). */
  verdict: 'improved' | 'regressed' | 'unchanged' | 'inconclusive'
  /** The noise threshold used, percent. */
  tolerancePct: number
  /** The noise threshold used, ms (absent in reports written before it existed). */
  toleranceMs?: number
  /** How many per-second samples were compared on each side. */
  samples?: { before: number; after: number }
  reason: string
}

/** A scenario as the report holds it: the result plus the test that ran it. */
export interface ScenarioRecord extends LoadResult {
  /** Stable id: the Vitest test id and the scenario's index within the test. */
  id: string
  /** The test's full name. */
  name: string
  /** Test file, relative to the project root. */
  file: string
  tags: string[]
  state: 'passed' | 'failed' | 'skipped' | 'pending'
  /** The rows recorded for this scenario (by matchers and `objectives`). */
  compliance: ComplianceRow[]
  insights?: ScenarioInsights
  baseline?: BaselineComparison | null
}

/** `perf-report.json`. */
export interface PerfReport {
  schemaVersion: 1
  tool: { name: 'vitest-perf'; version: string }
  /** ISO 8601. */
  startedAt: string
  /** ISO 8601. */
  finishedAt: string
  environment: {
    node: string
    os: string
    cpus: number
    cpuModel: string
    memoryBytes: number
    baseUrl: string | null
    ci: boolean
  }
  summary: { scenarios: number; passed: number; failed: number; skipped: number }
  scenarios: ScenarioRecord[]
  /** Tests that ran no scenario (skipped, failed before load, or plain tests). */
  tests: Array<{
    id: string
    name: string
    file: string
    tags: string[]
    state: string
    error?: string
    /** Compliance rows the test recorded without running a scenario (e.g. `recordCompliance`). */
    compliance?: ComplianceRow[]
  }>
}

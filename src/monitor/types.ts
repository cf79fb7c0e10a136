/**
 * The live monitor's data model: its options, one interval's snapshot, the history series,
 * alerts, insights, health and the WebSocket messages. Everything a snapshot, an alert or a
 * message holds is plain JSON, because it is served over HTTP, pushed over the WebSocket and
 * kept in Redis.
 *
 * The monitor core (sampling, history, server) and the alerting side (`alerts/`, `notifiers/`,
 * `dashboard/`) meet here: the core calls an `AlertManager` once per interval and serves the
 * page `renderDashboard` returns.
 */
import type { Anomaly, LevelThresholds, Trend } from '../types.js'

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/** What "bad" means for one probed endpoint. Every field is optional; absent means unjudged. */
export interface EndpointObjectives {
  /** Budget for the probe's median latency, ms. */
  p50?: number
  /** Budget for the probe's 95th percentile latency, ms. */
  p95?: number
  /** Budget for the probe's 99th percentile latency, ms. */
  p99?: number
  /** Floor for availability (successful probe requests), percent 0..100. */
  availability?: number
}

/** One endpoint the monitor probes every interval. */
export interface MonitorEndpoint {
  /**
   * The endpoint's name: its component in the history series and the API path
   * (`/api/metrics/historical/<name>/p95`). Letters, digits, `_` and `-`; not `host` or `custom`.
   */
  name: string
  /** HTTP method. Default `GET`. */
  method?: string
  /** Absolute URL. Give either `url` or `path`. */
  url?: string
  /** Path resolved against `baseUrl`. */
  path?: string
  /** Request body; an object is sent as JSON. */
  body?: string | Record<string, unknown>
  /** Extra request headers. Values are never served or logged. */
  headers?: Record<string, string>
  /** Budgets this endpoint is held to (they drive the default alert rules). */
  objectives?: EndpointObjectives
}

/** How each endpoint is probed. */
export interface ProbeOptions {
  /** Requests per endpoint per interval, sent at once (one connection each). Default 5. */
  requests?: number
  /** Timeout of each probe request, ms. Default the smaller of 5000 and half the interval. */
  timeoutMs?: number
}

/** Slack incoming webhook. The URL is a secret: never logged, never served. */
export interface SlackNotifierConfig extends NotifierTuning {
  kind: 'slack'
  webhookUrl: string
}

/** PagerDuty Events API v2. The routing key is a secret: never logged, never served. */
export interface PagerDutyNotifierConfig extends NotifierTuning {
  kind: 'pagerduty'
  routingKey: string
  /** Events endpoint. Default `https://events.pagerduty.com/v2/enqueue`. */
  url?: string
  /** The event's source. Default the host name. */
  source?: string
}

/** A generic JSON webhook: the alert event is POSTed as JSON. */
export interface WebhookNotifierConfig extends NotifierTuning {
  kind: 'webhook'
  url: string
  headers?: Record<string, string>
}

/** What every notifier config may also set. */
export interface NotifierTuning {
  /** Name in status and logs. Default: the kind. */
  name?: string
  /** Alerts below this severity are not sent. Default `low` (everything). */
  minSeverity?: AlertSeverity
  /** Per-attempt timeout (connect, headers and body), ms. Default 5000. */
  timeoutMs?: number
  /** Retries after the first attempt, on 429, 5xx, timeouts and network errors. Default 3. */
  retries?: number
  /** First backoff delay, ms, doubled each retry, with equal jitter (half the delay fixed,
   * half random). Default 500. */
  backoffMs?: number
  /** Largest backoff delay, ms. Default 30 000. */
  maxBackoffMs?: number
  /** Longest `Retry-After` honoured, ms; longer ones are cut to it. Default 60 000. */
  maxRetryAfterMs?: number
  /** Alerts kept waiting at most; beyond this the oldest is dropped. Default 100. */
  queueSize?: number
}

/** Where alerts are sent. */
export type NotifierConfig = SlackNotifierConfig | PagerDutyNotifierConfig | WebhookNotifierConfig

/** Alert severities: critical (P0: unavailable, data at risk), high (P1: degradation, high
 * error rate), medium (P2: resource warnings), low (P3: trends). */
export type AlertSeverity = 'critical' | 'high' | 'medium' | 'low'

/** A threshold rule on one history series, beside the rules derived from objectives and levels. */
export interface AlertRule {
  /** Unique rule name, e.g. `api-p95-over-budget`. */
  name: string
  severity: AlertSeverity
  /** Series component: `host`, `custom` or an endpoint name. */
  component: string
  /** Series metric (see `HOST_METRICS`, `ENDPOINT_METRICS`, or a collector name). */
  metric: string
  /** `>`: fires when the value rises above `threshold`; `<`: when it falls below. */
  comparator: '>' | '<'
  threshold: number
  /** Hysteresis: a firing alert resolves only once the value is back past this bound.
   * Default: 10% of the threshold on the safe side. */
  clearThreshold?: number
  /** How long the condition must hold before the alert fires, ms. Default `AlertOptions.forMs`. */
  forMs?: number
  /** One line for humans; `{value}`, `{threshold}` and `{state}` (`above`, `back below`, ...) are replaced. */
  summary?: string
}

/** Alerting configuration. Rules from objectives and resource levels are built in. */
export interface AlertOptions {
  /** Extra rules. */
  rules?: AlertRule[]
  /** Build rules from endpoint objectives and resource levels. Default true. */
  defaultRules?: boolean
  /** Pending time before firing, ms. Default two intervals. */
  forMs?: number
  /** A firing alert is notified again only after this long, ms. Default 4 h. */
  repeatIntervalMs?: number
  /** Where alerts go. Default none (alerts are still served and broadcast). */
  notifiers?: NotifierConfig[]
}

/** Resources judged by level: the monitor's host metrics that have level bands. */
export type LeveledResource = 'cpu' | 'memory' | 'disk'

/** Options of `createMonitor`. Defaults are listed per field; env variables fill the gaps. */
export interface MonitorOptions {
  /** Endpoints probed every interval. Default none (host and collectors only). */
  endpoints?: MonitorEndpoint[]
  /** Base URL that endpoint `path`s resolve against. Default `PERF_BASE_URL`. */
  baseUrl?: string
  /** Sampling interval, ms. Default `MONITORING_INTERVAL` (seconds) × 1000, else 30 000. */
  intervalMs?: number
  /** HTTP and WebSocket port; 0 picks a free one. Default `MONITOR_PORT`, else 8001. */
  port?: number
  /** Address to bind. Default `MONITOR_HOST`, else `127.0.0.1`. A non-loopback address
   * requires `token`. */
  host?: string
  /** Bearer token for the API and WebSocket. Default `MONITOR_TOKEN`. Required when `host`
   * is not a loopback address; when set, every route needs it except `/health` and the page
   * at `/`. */
  token?: string
  /** Redis URL for shared, persistent history. Default `REDIS_URL`; unset keeps history in
   * memory only. */
  redisUrl?: string
  /** Key prefix in Redis. Default `vitest-perf:monitor`. */
  redisPrefix?: string
  /** Points kept per series, in memory and in Redis. Default 10 000. */
  maxHistorySize?: number
  probe?: ProbeOptions
  /** Sample host resources. Default true. */
  hostResources?: boolean
  /** Level bands for host resources, percent. Default the library's (CPU 40/70/85,
   * memory 60/75/90, disk 70/80/95). */
  levels?: Partial<Record<LeveledResource, LevelThresholds>>
  alerts?: AlertOptions
  /** WebSocket clients whose unsent data exceeds this are dropped, bytes. Default 1 MiB. */
  maxClientBufferBytes?: number
  /** How often each WebSocket client is pinged, ms; one that has not answered the previous
   * ping by the next is dropped. From 100 to 86 400 000 (24 h). Default 30 000. */
  heartbeatMs?: number
  /** Custom collectors by name, as `addCollector(name, fn)` registers them: the way a `.js` or
   * `.ts` config file given to the CLI adds its own. Default none. */
  collectors?: Record<string, Collector>
}

/** The options after defaults and validation: what the sampler, server and alerts read. */
export interface ResolvedMonitorOptions {
  endpoints: ResolvedEndpoint[]
  baseUrl: string | null
  intervalMs: number
  port: number
  host: string
  token: string | null
  redisUrl: string | null
  redisPrefix: string
  maxHistorySize: number
  probe: Required<ProbeOptions>
  hostResources: boolean
  levels: Record<LeveledResource, LevelThresholds>
  alerts: Required<Omit<AlertOptions, 'notifiers' | 'rules'>> & {
    rules: AlertRule[]
    notifiers: NotifierConfig[]
  }
  maxClientBufferBytes: number
  heartbeatMs: number
  collectors: Record<string, Collector>
}

/** An endpoint with its URL resolved. */
export interface ResolvedEndpoint {
  name: string
  method: string
  /** Absolute URL. */
  url: string
  body: string | null
  headers: Record<string, string>
  objectives: EndpointObjectives
}

// ---------------------------------------------------------------------------------------------
// Snapshots and series
// ---------------------------------------------------------------------------------------------

/** One endpoint's probe in one interval. */
export interface EndpointSnapshot {
  name: string
  method: string
  /** The probed URL with credentials and query string redacted. */
  url: string
  /** Median probe latency, ms; null when no request completed. */
  p50: number | null
  /** 95th percentile, ms; null when no request completed. */
  p95: number | null
  /** 99th percentile, ms; null when no request completed. */
  p99: number | null
  /** Probe requests that succeeded, percent 0..100; null when nothing could be sent. */
  availability: number | null
  /** Probe requests sent. */
  requests: number
  /** Response counts by HTTP status code. */
  statusCodes: Record<string, number>
  /** Failure counts by kind (`timeout`, `ECONNREFUSED`, `status_5xx`, ...). */
  errors: Record<string, number>
  /** The probe itself failed (threw or hung past its timeout): the reason, else null. */
  probeError: string | null
  objectives: EndpointObjectives
}

/** Host resources in one interval. Each value is null when it cannot be measured here. */
export interface HostSnapshot {
  /** Whole-host CPU, percent. */
  cpu: number | null
  /** Memory used, percent. */
  memory: number | null
  /** Highest disk usage of the mounted file systems, percent. */
  disk: number | null
  /** Network receive over all interfaces, bytes per second. */
  network_rx: number | null
  /** Network transmit, bytes per second. */
  network_tx: number | null
  /** One-minute load average. */
  load: number | null
}

/** Everything the monitor measured in one interval: the `metrics` of a `metrics_update`. */
export interface MonitorSnapshot {
  /** When the interval's sampling began, ISO 8601. */
  time: string
  /** Interval number since the monitor started, from 1. */
  sequence: number
  /** The configured interval, ms. */
  intervalMs: number
  /** How long sampling took, ms. */
  durationMs: number
  endpoints: EndpointSnapshot[]
  host: HostSnapshot
  /** Custom collector values by name; null when the collector threw or returned no number. */
  custom: Record<string, number | null>
}

/**
 * History series are named `<component>/<metric>`, the same pair the API takes in
 * `/api/metrics/historical/{component}/{metric}`:
 * - component `host`: metrics `HOST_METRICS`;
 * - component `<endpoint name>`: metrics `ENDPOINT_METRICS`;
 * - component `custom`: one metric per collector name (a collector returning an object adds
 *   `<collector>.<key>` metrics).
 */
export const HOST_METRICS = ['cpu', 'memory', 'disk', 'network_rx', 'network_tx', 'load'] as const
/** The metrics each probed endpoint has in history. */
export const ENDPOINT_METRICS = ['p50', 'p95', 'p99', 'availability'] as const
/** Component names an endpoint may not take. */
export const RESERVED_COMPONENTS = ['host', 'custom'] as const

export type HostMetric = (typeof HOST_METRICS)[number]
export type EndpointMetric = (typeof ENDPOINT_METRICS)[number]

/** The unit of each series metric, for the API and Prometheus. */
export const METRIC_UNITS: Record<HostMetric | EndpointMetric, string> = {
  cpu: '%',
  memory: '%',
  disk: '%',
  network_rx: 'B/s',
  network_tx: 'B/s',
  load: '',
  p50: 'ms',
  p95: 'ms',
  p99: 'ms',
  availability: '%',
}

/** A series key: `host/cpu`, `api/p95`, `custom/queue_depth`. */
export type SeriesKey = `${string}/${string}`

/** One point of a series. */
export interface HistoryPoint {
  /** Epoch milliseconds. */
  t: number
  v: number
}

// ---------------------------------------------------------------------------------------------
// Insights and predictions
// ---------------------------------------------------------------------------------------------

/** An anomaly in one series; `metric` holds the series metric. */
export interface MonitorAnomaly extends Anomaly {
  component: string
  /** Epoch ms of the point (Anomaly.t is seconds from the window start). */
  at: number
}

/** A meaningful trend in one series. */
export interface MonitorTrend extends Trend {
  component: string
}

/** `GET /api/analysis/ai-insights` and the `insights` of an `ai_insights` message. */
export interface MonitorInsights {
  /** ISO 8601. */
  generatedAt: string
  /** How much history the analysis looked at, minutes. */
  windowMinutes: number
  anomalies: MonitorAnomaly[]
  trends: MonitorTrend[]
  /** The findings as sentences, most severe first. */
  summary: string[]
}

/** A forecast for one series. */
export interface Prediction {
  component: string
  metric: string
  unit: string
  /** Latest value. */
  current: number | null
  /** Forecast at the horizon; null when the series is too short. */
  predicted: number | null
  /** Prediction interval at the horizon, [low, high]; null when unavailable. */
  interval: [number, number] | null
  /** The bound the prediction is checked against (objective or warning level); null if none. */
  threshold: number | null
  /** Minutes until the series crosses `threshold` at its trend; null when it does not. */
  minutesToThreshold: number | null
  /** True when the threshold is crossed within the horizon. */
  breachExpected: boolean
  method: string
}

/** `GET /api/analysis/predictions?horizon_minutes=60`. */
export interface MonitorPredictions {
  generatedAt: string
  horizonMinutes: number
  predictions: Prediction[]
}

// ---------------------------------------------------------------------------------------------
// Alerts (implemented in `alerts/` and `notifiers/`)
// ---------------------------------------------------------------------------------------------

/** `pending` until its condition held `forMs`, then `firing`, then `resolved`. */
export type AlertState = 'pending' | 'firing' | 'resolved'

/** An alert as served by `/api/alerts/active` and carried by alert messages. */
export interface Alert {
  /** Stable hash of `rule` and `labels`: deduplicates, and is PagerDuty's `dedup_key`. */
  fingerprint: string
  rule: string
  severity: AlertSeverity
  state: AlertState
  /** `component`, `metric` and any rule labels. */
  labels: Record<string, string>
  /** One line for humans. */
  summary: string
  /** The value that last matched or cleared the rule. */
  value: number | null
  threshold: number | null
  /** When the condition first held, ISO 8601. */
  activeAt: string
  /** When it fired, ISO 8601; null while pending. */
  firedAt: string | null
  /** When it resolved, ISO 8601; null while active. */
  resolvedAt: string | null
}

/** A state change the alert manager reports for one interval. */
export interface AlertEvent {
  type: 'alert_fired' | 'alert_resolved'
  alert: Alert
}

/** What the alert manager sees each interval. */
export interface AlertInput {
  snapshot: MonitorSnapshot
  insights: MonitorInsights
  predictions: MonitorPredictions
}

/**
 * The alerting side's contract (`alerts/index.ts` exports
 * `createAlertManager(options: ResolvedMonitorOptions): AlertManager`). The core calls
 * `evaluate` once per interval after sampling and broadcasts the events it returns.
 * Notification happens in the background: `evaluate` never waits on a notifier.
 */
export interface AlertManager {
  evaluate(input: AlertInput): AlertEvent[]
  /** Pending and firing alerts, most severe first. */
  active(): Alert[]
  /** Recently resolved alerts, newest first (the built-in manager keeps 100, in memory). */
  recent?(): Alert[]
  /** Problems to report on `/health` (a notifier failing), empty when all is well. */
  problems(): HealthProblem[]
  /** Waits for notifications in flight (bounded by their timeouts). */
  close(): Promise<void>
  /** What to keep across a restart (the firing alerts), as plain JSON. */
  saved?(): unknown
  /** Takes back what `saved()` returned in an earlier run; returns how many alerts it took. */
  restore?(saved: unknown): number
}

// ---------------------------------------------------------------------------------------------
// Health, collectors, dashboard, messages
// ---------------------------------------------------------------------------------------------

/** Something wrong the monitor works around, reported by `/health`. */
export interface HealthProblem {
  /** What is at fault. */
  kind: 'probe' | 'collector' | 'redis' | 'notifier' | 'host' | 'sampling'
  /** Endpoint, collector or notifier name; `redis`; `host`. */
  name: string
  /** What is wrong, in words (no secrets). */
  message: string
  /** When it was first seen, ISO 8601. */
  since: string
}

/** `GET /health`. `status` is `ok` with no problems, else `degraded`; the monitor keeps
 * sampling and serving either way. */
export interface MonitorHealth {
  status: 'ok' | 'degraded'
  /** Seconds since `start()`. */
  uptimeSeconds: number
  /** The last completed interval, ISO 8601; null before the first. */
  lastSampleAt: string | null
  /** Intervals completed. */
  samples: number
  history: {
    /** `memory` (no `REDIS_URL`), `connected` or `down`. */
    redis: 'memory' | 'connected' | 'down'
    /** Points sampled while Redis was down, waiting to be written. */
    buffered: number
  }
  /** Connected WebSocket clients. */
  clients: number
  problems: HealthProblem[]
}

/** A custom collector: returns one number, or several by key; may be async. */
export type Collector = () =>
  | number
  | Record<string, number>
  | null
  | Promise<number | Record<string, number> | null>

/** What the dashboard page needs to render (`dashboard/index.ts` exports
 * `renderDashboard(info: DashboardInfo): string`, a whole HTML page). */
export interface DashboardInfo {
  title: string
  intervalMs: number
  endpoints: Array<{ name: string; objectives: EndpointObjectives }>
  levels: Record<LeveledResource, LevelThresholds>
  /** True when the API needs a token: the page asks for it and sends it as `?token=`. */
  tokenRequired: boolean
}

/** Messages the server sends on `/ws/metrics`, as JSON text frames. */
export type MonitorMessage =
  | { type: 'metrics_update'; metrics: MonitorSnapshot }
  | { type: 'ai_insights'; insights: MonitorInsights }
  | { type: 'alert_fired'; alert: Alert }
  | { type: 'alert_resolved'; alert: Alert }

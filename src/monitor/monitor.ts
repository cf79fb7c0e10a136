import { logger } from '../config/logger.js'
import { createAlertManager } from './alerts/create.js'
import { Collectors } from './collectors.js'
import { renderDashboard } from './dashboard/index.js'
import { knownSeries, seriesKey, splitSeriesKey } from './history/series.js'
import { HistoryStore } from './history/store.js'
import { HostSampler } from './host-sampler.js'
import { resolveMonitorOptions } from './options.js'
import type { Probe } from './probe.js'
import { engineProbe } from './probe.js'
import { Sampler } from './sampler.js'
import { MonitorServer } from './server.js'
import type {
  AlertManager,
  Collector,
  DashboardInfo,
  MonitorHealth,
  MonitorMessage,
  MonitorOptions,
  MonitorSnapshot,
  ResolvedMonitorOptions,
} from './types.js'

/** Parts a program (or a test) may replace. */
export interface MonitorParts {
  /** How endpoints are probed. Default: a short run of the engine's `runLoad`. */
  probe?: Probe
  /** The alert manager. Default: `createAlertManager` from the monitor's options. */
  alerts?: AlertManager | null
  /** Renders the page at `GET /`. Default: the dashboard. */
  page?: (info: DashboardInfo) => string
}

/** A running (or ready to run) monitor. */
export interface Monitor {
  /** The options after defaults and validation. */
  readonly options: ResolvedMonitorOptions
  /** `http://host:port` once started, else null. */
  readonly url: string | null
  /** Connects history, binds the server and starts sampling. Resolves with the URL; a second
   * call gets the same promise, and a call after `stop()` rejects. */
  start(): Promise<string>
  /** Stops sampling, closes clients and the server, waits for notifications in flight, and
   * writes buffered history to Redis (bounded by `timeoutMs`, default 5000). Safe to call twice. */
  stop(timeoutMs?: number): Promise<void>
  /** Adds a custom collector sampled every interval (component `custom`). */
  addCollector(name: string, collector: Collector): void
  /** Runs one interval now (outside the schedule) and returns it. */
  sample(): Promise<MonitorSnapshot>
  /** The latest interval, or null before the first. */
  latest(): MonitorSnapshot | null
  /** What `/health` serves. */
  health(): MonitorHealth
  /** Listens to every WebSocket message as it is broadcast; returns the unsubscribe. */
  onMessage(listener: (message: MonitorMessage) => void): () => void
}

/**
 * Creates the live monitor. Options are checked here, before anything runs: a bad option
 * throws `PerfConfigError`; a non-loopback `host` without a token is refused.
 */
export function createMonitor(options: MonitorOptions = {}, parts: MonitorParts = {}): Monitor {
  const resolved = resolveMonitorOptions(options)
  return new LiveMonitor(resolved, parts)
}

class LiveMonitor implements Monitor {
  readonly options: ResolvedMonitorOptions
  url: string | null = null
  private readonly history: HistoryStore
  private readonly collectors = new Collectors()
  private readonly alerts: AlertManager | null
  private readonly sampler: Sampler
  private readonly server: MonitorServer
  private readonly listeners = new Set<(message: MonitorMessage) => void>()
  private readonly renderPage: (info: DashboardInfo) => string
  private startedAt = 0
  private starting: Promise<string> | null = null
  private stopping: Promise<void> | null = null
  private cachedPage: string | null = null
  private alertsSaveQueued = false

  constructor(options: ResolvedMonitorOptions, parts: MonitorParts) {
    this.options = options
    this.history = new HistoryStore({
      maxHistorySize: options.maxHistorySize,
      redisUrl: options.redisUrl,
      prefix: options.redisPrefix,
      keep: knownSeries(options.endpoints.map(e => e.name)),
      onAlerts: saved => this.restoreAlerts(saved),
    })
    this.alerts = parts.alerts === undefined ? createAlertManager(options) : parts.alerts
    this.renderPage = parts.page ?? (info => renderDashboard(info))
    for (const [name, collector] of Object.entries(options.collectors)) {
      this.collectors.add(name, collector)
    }
    this.sampler = new Sampler({
      options,
      history: this.history,
      collectors: this.collectors,
      probe: parts.probe ?? engineProbe,
      host: options.hostResources ? new HostSampler() : null,
      alerts: this.alerts,
      emit: message => this.emit(message),
    })
    this.server = new MonitorServer({
      options,
      latest: () => this.sampler.latest(),
      history: (component, metric, since) =>
        this.history.range(seriesKey(component, metric), since),
      customMetrics: () => this.customMetrics(),
      alerts: () => this.alerts?.active() ?? [],
      resolvedAlerts: () => this.alerts?.recent?.() ?? [],
      insights: () => this.sampler.insights(),
      predictions: horizon => this.sampler.predictions(horizon),
      health: () => this.health(),
      page: () => this.page(),
    })
  }

  start(): Promise<string> {
    if (this.stopping) {
      return Promise.reject(
        new Error('monitor: this monitor has been stopped; create a new one to start again'),
      )
    }
    this.starting ??= this.open()
    return this.starting
  }

  private async open(): Promise<string> {
    this.startedAt = Date.now()
    await this.history.open()
    this.url = await this.server.listen()
    this.sampler.start()
    logger().info('monitor: started', {
      url: this.url,
      intervalMs: this.options.intervalMs,
      endpoints: this.options.endpoints.length,
      history: this.history.status().redis,
    })
    return this.url
  }

  stop(timeoutMs = 5000): Promise<void> {
    this.stopping ??= this.shutdown(timeoutMs)
    return this.stopping
  }

  addCollector(name: string, collector: Collector): void {
    this.collectors.add(name, collector)
  }

  sample(): Promise<MonitorSnapshot> {
    return this.sampler.tick()
  }

  latest(): MonitorSnapshot | null {
    return this.sampler.latest()
  }

  onMessage(listener: (message: MonitorMessage) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  health(): MonitorHealth {
    const problems = [...this.sampler.problems()]
    const redis = this.history.problem()
    if (redis) problems.push(redis)
    try {
      problems.push(...(this.alerts?.problems() ?? []))
    } catch (error) {
      problems.push({
        kind: 'notifier',
        name: 'alerts',
        message: `alert manager status unavailable: ${(error as Error).message}`,
        since: new Date().toISOString(),
      })
    }
    const latest = this.sampler.latest()
    return {
      status: problems.length ? 'degraded' : 'ok',
      uptimeSeconds: this.startedAt ? Math.round((Date.now() - this.startedAt) / 1000) : 0,
      lastSampleAt: latest
        ? new Date(Date.parse(latest.time) + latest.durationMs).toISOString()
        : null,
      samples: this.sampler.samples,
      history: this.history.status(),
      clients: this.server.clientCount,
      problems,
    }
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    // A start in progress is let finish, so the port it binds and the sampling it starts are
    // stopped here, not left running after stop() has resolved.
    await this.starting?.catch(() => {})
    await this.sampler.stop()
    if (this.url) await this.server.close()
    await Promise.race([this.alerts?.close(), sleep(timeoutMs)])
    this.saveAlerts()
    const flushed = await this.history.close(timeoutMs)
    if (!flushed) {
      logger().warn('monitor: stopped with history not written to Redis (Redis unreachable)', {
        buffered: this.history.status().buffered,
      })
    }
    logger().info('monitor: stopped')
  }

  /**
   * With Redis, the firing alerts are kept there whenever one fires, repeats or resolves, so a
   * monitor started again can resolve them: a PagerDuty incident opened before a restart is
   * closed by the `resolve` of the run that sees the fault gone.
   */
  private saveAlerts(): void {
    if (this.options.redisUrl && this.alerts?.saved) this.history.saveAlerts(this.alerts.saved())
  }

  /**
   * `saveAlerts` once the interval's events have all been emitted: they come one after another
   * in one evaluation, and the state after the last is the one to keep, in one write.
   */
  private saveAlertsSoon(): void {
    if (this.alertsSaveQueued) return
    this.alertsSaveQueued = true
    queueMicrotask(() => {
      this.alertsSaveQueued = false
      this.saveAlerts()
    })
  }

  private restoreAlerts(saved: unknown): void {
    const taken = this.alerts?.restore?.(saved) ?? 0
    if (taken) logger().info('monitor: alerts firing before the restart taken back', { taken })
  }

  private emit(message: MonitorMessage): void {
    if (message.type === 'alert_fired' || message.type === 'alert_resolved') this.saveAlertsSoon()
    this.server.broadcast(message)
    for (const listener of this.listeners) {
      try {
        listener(message)
      } catch (error) {
        logger().warn('monitor: a message listener threw', { error: (error as Error).message })
      }
    }
  }

  private customMetrics(): string[] {
    const names = new Set(this.collectors.metrics())
    for (const key of this.history.series()) {
      const { component, metric } = splitSeriesKey(key)
      if (component === 'custom') names.add(metric)
    }
    return [...names].sort()
  }

  private page(): string {
    this.cachedPage ??= this.renderPage({
      title: 'vitest-perf monitor',
      intervalMs: this.options.intervalMs,
      endpoints: this.options.endpoints.map(e => ({ name: e.name, objectives: e.objectives })),
      levels: this.options.levels,
      tokenRequired: this.options.token !== null,
    })
    return this.cachedPage
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms).unref())
}

import { logger } from '../config/logger.js'
import { analyse, insightsFingerprint, predict } from './analysis.js'
import type { Collectors } from './collectors.js'
import type { SeriesPoint } from './history/series.js'
import { pointsOf, splitSeriesKey } from './history/series.js'
import type { HistoryStore } from './history/store.js'
import type { HostSampler } from './host-sampler.js'
import type { Probe } from './probe.js'
import { failedSnapshot, unreachableReason } from './probe.js'
import type {
  AlertManager,
  EndpointSnapshot,
  HealthProblem,
  HostSnapshot,
  MonitorInsights,
  MonitorMessage,
  MonitorPredictions,
  MonitorSnapshot,
  ResolvedEndpoint,
  ResolvedMonitorOptions,
  SeriesKey,
} from './types.js'

/** What the sampler works with; `createMonitor` wires the real parts, tests their own. */
export interface SamplerParts {
  options: ResolvedMonitorOptions
  history: HistoryStore
  collectors: Collectors
  probe: Probe
  /** Null when `hostResources` is false. */
  host: HostSampler | null
  /** Null when there is no alerting. */
  alerts: AlertManager | null
  /** Receives every message for the WebSocket clients. */
  emit: (message: MonitorMessage) => void
}

/** The horizon predictions are made for each interval (the alert rules read them), minutes. */
export const DEFAULT_HORIZON_MINUTES = 60

const EMPTY_HOST: HostSnapshot = {
  cpu: null,
  memory: null,
  disk: null,
  network_rx: null,
  network_tx: null,
  load: null,
}

/**
 * The sampling loop. Intervals never overlap: the next one is scheduled when the current one
 * ends, on the interval's grid, and a slot missed because an interval ran long is skipped
 * (and reported on `/health`), never run late in a burst. Everything slow in an interval is
 * bounded: each probe by its timeout plus a backstop, each collector by a timeout, and Redis
 * is written behind the interval. Nothing a target, collector, Redis or notifier does can
 * stop the loop.
 */
export class Sampler {
  private readonly parts: SamplerParts
  private timer: NodeJS.Timeout | null = null
  private current: Promise<unknown> | null = null
  private controller: AbortController | null = null
  private stopped = true
  private origin = 0
  private sequence = 0
  /** The grid slot of the interval running or just run (slot k starts at origin + k × interval). */
  private slot = 0
  private snapshot: MonitorSnapshot | null = null
  private analysis: MonitorInsights | null = null
  private analysisKey = ''
  private forecasts = new Map<number, { sequence: number; value: MonitorPredictions }>()
  private readonly faults = new Map<string, HealthProblem>()
  /** Per endpoint series, the time of its first live sample since this sampler was made. */
  private readonly firstSamples = new Map<SeriesKey, number>()

  constructor(parts: SamplerParts) {
    this.parts = parts
  }

  /** Starts the loop; the first interval runs at once. */
  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.origin = Date.now()
    this.slot = 0
    this.schedule(0)
  }

  /** Stops the loop and waits for the interval in progress (its probes are aborted). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.controller?.abort()
    await this.current?.catch(() => {})
  }

  /** Intervals completed. */
  get samples(): number {
    return this.sequence
  }

  /** The last interval, or null before the first. */
  latest(): MonitorSnapshot | null {
    return this.snapshot
  }

  /** The latest analysis (recomputed each interval). */
  insights(): MonitorInsights {
    this.analysis ??= analyse(this.parts.history, Date.now(), this.firstSamples)
    return this.analysis
  }

  /** Forecasts `horizonMinutes` ahead, computed at most once per interval and horizon. */
  predictions(horizonMinutes: number): MonitorPredictions {
    const cached = this.forecasts.get(horizonMinutes)
    if (cached && cached.sequence === this.sequence) return cached.value
    const value = predict(this.parts.history, this.parts.options, horizonMinutes)
    if (this.forecasts.size > 50) this.forecasts.clear()
    this.forecasts.set(horizonMinutes, { sequence: this.sequence, value })
    return value
  }

  /** What is wrong right now (probes, collectors, host, sampling), oldest first. */
  problems(): HealthProblem[] {
    return [...this.faults.values()]
  }

  /** Runs one interval now and returns its snapshot (the loop calls this on its grid).
   * Rejects with `StoppedError` when `stop()` interrupts it; nothing of it is recorded. */
  async tick(): Promise<MonitorSnapshot> {
    const run = this.interval()
    this.current = run
    try {
      return await run
    } finally {
      if (this.current === run) this.current = null
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.tick()
        .catch(error => {
          if (error instanceof StoppedError) return
          // interval() catches every part's failure; this is the last guard for the loop.
          this.fault('sampling', 'interval', `an interval failed: ${(error as Error).message}`)
        })
        .finally(() => this.schedule(this.nextDelay()))
    }, delayMs)
    this.timer.unref?.()
  }

  /** Time until the next slot on the grid; slots already passed are skipped and reported. */
  private nextDelay(): number {
    const { intervalMs } = this.parts.options
    const now = Date.now()
    const next = Math.floor((now - this.origin) / intervalMs) + 1
    const skipped = next - this.slot - 1
    this.slot = next
    if (skipped > 0) {
      this.fault(
        'sampling',
        'overrun',
        `interval ${this.sequence} took longer than the ${intervalMs} ms interval; ${skipped} slot(s) skipped`,
      )
    } else {
      this.clear('sampling', 'overrun')
    }
    return Math.max(0, this.origin + next * intervalMs - now)
  }

  private async interval(): Promise<MonitorSnapshot> {
    const { options, collectors } = this.parts
    const started = Date.now()
    const controller = new AbortController()
    this.controller = controller

    const [endpoints, host, custom] = await Promise.all([
      Promise.all(options.endpoints.map(endpoint => this.probeOne(endpoint, controller.signal))),
      this.sampleHost(),
      collectors.collect(Math.min(5000, Math.max(50, options.intervalMs / 2))),
    ])
    // Stopped mid-interval: the aborted probes would read as an outage, so the interval is
    // dropped whole rather than written half-measured.
    if (controller.signal.aborted) throw new StoppedError()

    for (const name of collectors.names()) {
      const failure = custom.failures.get(name)
      if (failure) this.fault('collector', name, `collector ${name} failed: ${failure}`)
      else this.clear('collector', name)
    }

    this.sequence += 1
    const snapshot: MonitorSnapshot = {
      time: new Date(started).toISOString(),
      sequence: this.sequence,
      intervalMs: options.intervalMs,
      durationMs: Date.now() - started,
      endpoints,
      host,
      custom: custom.values,
    }
    this.snapshot = snapshot
    const points = pointsOf(snapshot)
    this.noteFirstSamples(points)
    this.parts.history.append(points)
    this.parts.emit({ type: 'metrics_update', metrics: snapshot })

    this.analyse(snapshot)
    return snapshot
  }

  /**
   * Records the first live sample of each endpoint series, which the analysis never reports
   * as an anomaly. A process's first probe of an endpoint often reads several times its steady
   * latency even after the probe's dropped warm-up request: in the first interval every
   * endpoint's probe, the host reading and the collectors run through the monitor's own cold
   * code at once, and latency is timed on its event loop. Against history loaded from Redis,
   * that one point raised an `anomaly` alert at start that resolved a few intervals later.
   * The point is kept in the history: it was measured, and the charts show it.
   */
  private noteFirstSamples(points: SeriesPoint[]): void {
    for (const point of points) {
      if (this.firstSamples.has(point.series)) continue
      const { component } = splitSeriesKey(point.series)
      if (component !== 'host' && component !== 'custom') {
        this.firstSamples.set(point.series, point.t)
      }
    }
  }

  /** Insights, predictions and alerts for the interval; a failure is reported, not thrown. */
  private analyse(snapshot: MonitorSnapshot): void {
    let insights: MonitorInsights
    let predictions: MonitorPredictions
    const started = performance.now()
    try {
      insights = analyse(this.parts.history, Date.now(), this.firstSamples)
      predictions = this.predictions(DEFAULT_HORIZON_MINUTES)
      this.clear('sampling', 'analysis')
      logger().debug('monitor: interval analysed', {
        sequence: snapshot.sequence,
        analysisMs: Math.round((performance.now() - started) * 10) / 10,
      })
    } catch (error) {
      this.fault('sampling', 'analysis', `analysis failed: ${(error as Error).message}`)
      return
    }
    this.analysis = insights
    const key = insightsFingerprint(insights)
    if (key !== this.analysisKey) {
      this.analysisKey = key
      this.parts.emit({ type: 'ai_insights', insights })
    }

    const alerts = this.parts.alerts
    if (!alerts) return
    try {
      for (const event of alerts.evaluate({ snapshot, insights, predictions })) {
        this.parts.emit({ type: event.type, alert: event.alert })
      }
      this.clear('sampling', 'alerts')
    } catch (error) {
      this.fault('sampling', 'alerts', `alert evaluation failed: ${(error as Error).message}`)
    }
  }

  private async probeOne(
    endpoint: ResolvedEndpoint,
    signal: AbortSignal,
  ): Promise<EndpointSnapshot> {
    const { probe, options } = this.parts
    // A backstop beyond the engine's own request timeout: should a probe still not return
    // (a bug, a stuck socket), the interval goes on and reports it.
    const deadlineMs = options.probe.timeoutMs + 1000
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<EndpointSnapshot>(resolve => {
      timer = setTimeout(
        () =>
          resolve(
            failedSnapshot(
              endpoint,
              options.probe.requests,
              'timeout',
              `probe of ${endpoint.method} ${endpoint.name} did not finish within ${deadlineMs} ms (target hanging?)`,
            ),
          ),
        deadlineMs,
      )
    })

    let snapshot: EndpointSnapshot
    try {
      snapshot = await Promise.race([probe(endpoint, options.probe, signal), deadline])
    } catch (error) {
      snapshot = failedSnapshot(
        endpoint,
        options.probe.requests,
        'probe',
        `probe of ${endpoint.name} failed: ${(error as Error).message}`,
      )
    } finally {
      clearTimeout(timer)
    }

    const reason = unreachableReason(snapshot, options.probe.timeoutMs)
    if (reason) this.fault('probe', endpoint.name, reason)
    else this.clear('probe', endpoint.name)
    return snapshot
  }

  private async sampleHost(): Promise<HostSnapshot> {
    if (!this.parts.host) return { ...EMPTY_HOST }
    try {
      const reading = await this.parts.host.sample()
      if (reading.failures.length) {
        this.fault('host', 'host', `host resources unreadable: ${reading.failures.join('; ')}`)
      } else {
        this.clear('host', 'host')
      }
      return reading.host
    } catch (error) {
      this.fault('host', 'host', `host sampling failed: ${(error as Error).message}`)
      return { ...EMPTY_HOST }
    }
  }

  /** Records a problem, keeping when it was first seen; logs it once. */
  private fault(kind: HealthProblem['kind'], name: string, message: string): void {
    const key = `${kind}:${name}`
    const known = this.faults.get(key)
    if (!known) logger().warn(`monitor: ${message}`)
    this.faults.set(key, { kind, name, message, since: known?.since ?? new Date().toISOString() })
  }

  private clear(kind: HealthProblem['kind'], name: string): void {
    if (this.faults.delete(`${kind}:${name}`)) logger().info(`monitor: ${kind} ${name} recovered`)
  }
}

/** The interval was interrupted by `stop()` and recorded nothing. */
export class StoppedError extends Error {
  constructor() {
    super('the monitor stopped during this interval; nothing of it was recorded')
    this.name = 'StoppedError'
  }
}

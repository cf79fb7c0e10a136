import { logger } from '../config/logger.js'
import { evaluate } from '../slo/index.js'
import { Recorder } from '../stats/recorder.js'
import { buildResult, summarizeWindow } from '../stats/result.js'
import type { LoadResult } from '../types.js'
import {
  classifyError,
  ERROR_KINDS,
  isPlainKind,
  RequestTimeoutError,
  statusKind,
} from './classify.js'
import { Connection } from './connection.js'
import type { Exchange, ExchangeOwner } from './exchange.js'
import { RequestSource } from './source.js'
import type { ResolvedScenario } from './validate.js'

/** Longest wait, after the duration, for requests still in flight, ms. */
const DRAIN_MS = 2000

/**
 * What both models share: the clock (warm-up, measured phase, the once-a-second tick), the
 * per-request timeout sweep, recording responses and errors, and stopping. A model decides
 * when each request is sent and what a freed slot does next.
 */
export abstract class Engine implements ExchangeOwner {
  readonly check: ResolvedScenario['check']
  readonly expectStatus: (status: number) => boolean

  protected readonly scenario: ResolvedScenario
  protected readonly source: RequestSource
  protected readonly connections: Connection[] = []
  protected readonly recorder: Recorder
  /** `performance.now()` when the run and the measured phase began, ms. */
  protected readonly runStart: number
  protected readonly measureStart: number
  /** When the measured phase ends by its duration, ms; Infinity when `iterations` bound it. */
  protected readonly measureEnd: number
  /** The duration is over: no new requests; the run ends when those in flight have. */
  protected draining = false
  protected stopped = false
  /** Index of the next request, across warm-up and measured phase. */
  protected index = 0

  private readonly startedAt: Date
  private readonly timedOut = new WeakSet<Exchange>()
  /** Error kinds whose first message was logged. */
  private readonly explained = new Set<string>()
  private readonly timers: Array<ReturnType<typeof setTimeout>> = []
  private tickTimer: ReturnType<typeof setTimeout> | undefined
  private emitted = 0
  private finish: ((result: LoadResult) => void) | undefined
  private onAbort: (() => void) | undefined

  constructor(scenario: ResolvedScenario) {
    this.scenario = scenario
    this.check = scenario.check
    this.expectStatus = scenario.expectStatus
    this.source = new RequestSource(scenario)
    this.runStart = performance.now()
    this.measureStart = this.runStart + scenario.warmupMs
    this.measureEnd =
      scenario.durationMs === null
        ? Number.POSITIVE_INFINITY
        : this.measureStart + scenario.durationMs
    this.startedAt = new Date(Date.now() + scenario.warmupMs)
    this.recorder = new Recorder({
      start: this.measureStart,
      corrected: scenario.model === 'open',
      keepSeconds: scenario.abortOnFail ? scenario.abortOnFail.windowMs / 1000 : 0,
      inFlight: () => this.inFlight(),
    })
  }

  /** Runs the scenario to its end (or an abort) and resolves with the result; never rejects. */
  run(): Promise<LoadResult> {
    const done = new Promise<LoadResult>(resolve => {
      this.finish = resolve
    })
    const signal = this.scenario.signal
    if (signal?.aborted) {
      this.stop(abortReason(signal), true)
      return done
    }
    if (signal) {
      this.onAbort = () => this.stop(abortReason(signal), true)
      signal.addEventListener('abort', this.onAbort, { once: true })
    }

    this.startClock()
    this.begin(this.runStart)
    return done
  }

  /** Starts sending. */
  protected abstract begin(now: number): void
  /** Requests in flight now. */
  protected abstract inFlight(): number
  /** A request ended (recorded already): its slot is free. */
  protected abstract release(exchange: Exchange, now: number): void

  completed(exchange: Exchange, now: number) {
    if (this.stopped) return
    const verdict = exchange.verdict
    if (verdict === true || verdict === false) {
      this.settle(exchange, now, verdict)
      return
    }
    verdict.then(passed => this.settle(exchange, now, passed))
  }

  failed(exchange: Exchange, error: Error, now: number) {
    if (this.stopped) return
    if (exchange.measured) {
      const kind = this.timedOut.has(exchange) ? ERROR_KINDS.timeout : classifyError(error)
      this.recorder.error(this.clamp(now), kind)
      this.recorder.bytes += exchange.bytes
      this.explain(kind, error)
    }
    this.timedOut.delete(exchange)
    this.release(exchange, now)
  }

  /** Counts a request the `requests` function could not produce. */
  protected invalidRequest(measured: boolean, now: number) {
    if (measured) this.recorder.error(now, ERROR_KINDS.invalidRequest)
  }

  /** Measured arrivals waiting for a connection (open model). */
  protected waitingMeasured(): number {
    return 0
  }

  /** Opens a connection (its client connects on first use). */
  protected openConnection(): Connection {
    const connection = new Connection(
      {
        origin: this.scenario.origin,
        pipelining: this.scenario.pipelining,
        connectTimeoutMs: this.scenario.timeoutMs,
      },
      this,
    )
    this.connections.push(connection)
    return connection
  }

  /**
   * Ends the run: stops sending, closes connections, resolves the result. Requests still in
   * flight (after an abort, or a drain that ran out of time) are cancelled and not counted:
   * they have no outcome to count.
   */
  protected stop(reason: string | null, aborted: boolean) {
    if (this.stopped) return
    this.stopped = true
    const now = performance.now()

    for (const timer of this.timers) clearTimeout(timer)
    clearTimeout(this.tickTimer)
    if (this.onAbort) this.scenario.signal?.removeEventListener('abort', this.onAbort)
    const interrupted = this.interrupted()
    // A run that ended by its schedule lasted its duration. An open-model run ends as soon as
    // its last arrival is answered, which can be well before the duration is over (at 2 req/s
    // for 2 s the last arrival is due at 1.5 s), but its arrivals were spread over the whole
    // duration and throughput must divide by it. Responses after the duration are counted in
    // its last second, so the phase never ends later either. A run cut short (by the signal or
    // abortOnFail) or bounded by `iterations` keeps the time it ran.
    const scheduled = aborted ? null : this.scenario.durationMs
    const end = scheduled === null ? Math.min(now, this.measureEnd) : this.measureEnd
    this.recorder.finish(end)
    this.emitProgress()

    const result = buildResult(this.recorder, {
      label: this.scenario.label,
      target: this.scenario.target,
      model: this.scenario.model,
      startedAt: this.startedAt,
      durationMs: scheduled ?? Math.max(0, end - this.measureStart),
      aborted,
      stopReason: reason,
      settings: this.scenario.settings,
      interrupted,
    })
    if (interrupted > 0) result.requests.interrupted = interrupted
    Promise.all(this.connections.map(connection => connection.destroy())).then(() =>
      this.finish?.(result),
    )
  }

  // A result counts errors by kind only. When the kind does not say what happened (`other`,
  // `invalid_response`, a code the engine has no word for), the first error of that kind in the
  // run is logged with its message, so the reason is not lost.
  private explain(kind: string, error: Error) {
    if (isPlainKind(kind) || this.explained.has(kind)) return
    this.explained.add(kind)
    logger().warn(`requests failed as ${kind}`, { message: error.message })
  }

  // Measured requests that have no outcome yet: on their way, or waiting for a connection.
  private interrupted(): number {
    let count = this.waitingMeasured()
    for (const connection of this.connections) {
      for (const exchange of connection.exchanges) {
        if (exchange.active && exchange.measured) count++
      }
    }
    return count
  }

  private settle(exchange: Exchange, now: number, passed: boolean) {
    if (this.stopped) return
    if (exchange.measured) {
      const status = exchange.status
      const failure = !this.expectStatus(status)
        ? statusKind(status)
        : passed
          ? null
          : ERROR_KINDS.check
      this.recorder.response(
        this.clamp(now),
        Math.round((now - exchange.written) * 1000),
        Math.round((now - exchange.scheduled) * 1000),
        status,
        failure,
      )
      this.recorder.bytes += exchange.bytes
    }
    this.release(exchange, now)
  }

  private startClock() {
    const { durationMs, timeoutMs } = this.scenario
    if (durationMs !== null) {
      const end = this.measureEnd - performance.now()
      this.timers.push(setTimeout(() => this.drain(), end))
    }

    // Timeouts are found by a sweep rather than a timer per request, which would cost an
    // allocation and a timer-list insert on every request of the hot path.
    const sweepMs = Math.min(250, Math.max(10, timeoutMs / 10))
    this.timers.push(setInterval(() => this.sweep(), sweepMs))
    this.scheduleTick(1)
  }

  // The duration is over. Requests sent inside it still count, so let them finish (each is
  // bounded by the timeout) but for no longer than DRAIN_MS, so the run ends on time.
  private drain() {
    this.draining = true
    if (this.inFlight() === 0) {
      this.stop(null, false)
      return
    }
    const grace = Math.min(this.scenario.timeoutMs, DRAIN_MS)
    this.timers.push(setTimeout(() => this.stop(null, false), grace))
  }

  /** Responses that end during the drain belong to the last second of the measured phase. */
  private clamp(now: number): number {
    return now < this.measureEnd ? now : this.measureEnd - 0.001
  }

  private sweep() {
    const now = performance.now()
    const limit = this.scenario.timeoutMs
    for (const connection of this.connections) {
      if (!connection.overdue(now, limit)) continue
      for (const exchange of connection.exchanges) {
        if (exchange.active) this.timedOut.add(exchange)
      }
      connection.reset(new RequestTimeoutError(limit))
    }
  }

  private scheduleTick(second: number) {
    const at = this.measureStart + second * 1000
    this.tickTimer = setTimeout(
      () => {
        const now = performance.now()
        this.recorder.advance(now)
        this.emitProgress()
        this.judge(now)
        if (!this.stopped) this.scheduleTick(Math.floor((now - this.measureStart) / 1000) + 1)
      },
      Math.max(0, at - performance.now()),
    )
  }

  private emitProgress() {
    const onProgress = this.scenario.onProgress
    const timeline = this.recorder.timeline
    if (onProgress === null) {
      this.emitted = timeline.length
      return
    }
    const { total, succeeded, failed, dropped } = this.recorder
    for (; this.emitted < timeline.length; this.emitted++) {
      const entry = timeline[this.emitted]
      if (entry === undefined) continue
      try {
        onProgress({
          ...entry,
          elapsedMs: (entry.t + 1) * 1000,
          requests: { total, succeeded, failed, dropped },
        })
      } catch (error) {
        logger().warn('onProgress threw; the run goes on', { error: (error as Error).message })
      }
    }
  }

  // abortOnFail: judge the objectives on the last `window` whole seconds, once `after` has
  // passed, and stop at the first failure so a run that is already lost does not go on.
  private judge(now: number) {
    const rule = this.scenario.abortOnFail
    const objectives = this.scenario.objectives
    if (rule === null || objectives === null || this.stopped) return
    if (now - this.measureStart < rule.afterMs) return
    const seconds = this.recorder.window(rule.windowMs / 1000)
    if (seconds.length * 1000 < rule.windowMs) return

    const summary = summarizeWindow(seconds, this.scenario.label, this.scenario.model)
    const failing = evaluate(summary, objectives).filter(row => !row.passed)
    if (failing.length === 0) return
    const what = failing
      .map(
        row =>
          `${row.metric} ${row.actual ?? 'n/a'} ${row.unit} (objective ${row.comparator} ${row.target})`,
      )
      .join(', ')
    this.stop(`objectives failed over the last ${rule.windowMs / 1000} s: ${what}`, true)
  }
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  const text =
    reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined
  return text && !/operation was aborted/i.test(text) ? `aborted: ${text}` : 'aborted by signal'
}

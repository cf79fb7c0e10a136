import { Engine } from './engine.js'
import type { Exchange } from './exchange.js'
import { ArrivalSchedule } from './schedule.js'
import type { ResolvedScenario } from './validate.js'

/**
 * The open model: requests arrive on a schedule (a constant or ramping rate) whatever the
 * service does, as real users do. An arrival takes an idle connection, opens a new one (up to
 * `connections`), or waits for one; it is counted as dropped, never silently skipped, when
 * `maxInFlight` requests are already in flight. Latency is recorded raw (from the send) and
 * corrected (from the scheduled arrival), so time spent waiting behind a stalled service shows.
 */
export class OpenEngine extends Engine {
  private readonly schedule: ArrivalSchedule
  private readonly idle: Exchange[] = []
  /** Scheduled times of arrivals waiting for a connection, oldest first. */
  private readonly waiting: number[] = []
  private waitingHead = 0
  private inflight = 0
  private warmupIndex = 0
  private measuredIndex = 0
  private scheduleOver = false
  private nextDue: number | null | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private readonly warmupInterval: number

  constructor(scenario: ResolvedScenario) {
    super(scenario)
    this.schedule = new ArrivalSchedule(scenario.rate, scenario.stages)
    const first = scenario.stages[0]
    const warmupRate = scenario.rate > 0 || first === undefined ? scenario.rate : first.target
    this.warmupInterval = warmupRate > 0 ? 1000 / warmupRate : Number.POSITIVE_INFINITY
  }

  protected begin() {
    this.arrive()
  }

  protected inFlight(): number {
    return this.inflight
  }

  protected release(exchange: Exchange, now: number) {
    this.inflight--
    if (this.waitingHead < this.waiting.length) {
      const due = this.waiting[this.waitingHead++] as number
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitingHead)
        this.waitingHead = 0
      }
      this.send(exchange, due, now)
      return
    }
    this.idle.push(exchange)
    if ((this.scheduleOver || this.draining) && this.inflight === 0) this.stop(null, false)
  }

  // Sends every arrival that is due, then sleeps until the next one. Timers are coarse (about
  // 1 ms), so at high rates several arrivals go out together; each keeps its own scheduled
  // time, so corrected latency still counts from when it was due.
  private readonly arrive = () => {
    if (this.stopped || this.draining) return
    const now = performance.now()
    for (;;) {
      const due = this.peekDue()
      if (due === null) {
        this.scheduleOver = true
        if (this.inflight === 0) this.stop(null, false)
        return
      }
      if (due > now) {
        this.timer = setTimeout(this.arrive, Math.max(0, Math.floor(due - now)))
        return
      }
      this.nextDue = undefined
      this.admit(due, now)
      if (this.stopped) return
    }
  }

  // The next arrival's due time (ms, `performance.now()` clock), computed once and kept until
  // it is admitted; null when the schedule is over.
  private peekDue(): number | null {
    if (this.nextDue !== undefined) return this.nextDue
    const warmupDue = this.runStart + this.warmupIndex * this.warmupInterval
    if (warmupDue < this.measureStart) {
      this.warmupIndex++
      this.nextDue = warmupDue
      return warmupDue
    }
    const k = this.measuredIndex
    const iterations = this.scenario.iterations
    const t = iterations !== null && k >= iterations ? null : this.schedule.timeOf(k)
    const durationMs = this.scenario.durationMs
    if (t === null || (durationMs !== null && t >= durationMs)) {
      this.nextDue = null
      return null
    }
    this.measuredIndex++
    this.nextDue = this.measureStart + t
    return this.nextDue
  }

  private admit(due: number, now: number) {
    if (this.inflight >= this.scenario.maxInFlight) {
      if (due >= this.measureStart) this.recorder.drop(due)
      return
    }
    this.inflight++
    const exchange = this.idle.pop() ?? this.grow()
    if (exchange === undefined) {
      this.waiting.push(due)
      return
    }
    this.send(exchange, due, now)
  }

  private grow(): Exchange | undefined {
    if (this.connections.length >= this.scenario.connections) return undefined
    const [first, ...rest] = this.openConnection().exchanges
    this.idle.push(...rest)
    return first
  }

  private send(exchange: Exchange, due: number, now: number) {
    const measured = due >= this.measureStart
    const request = this.source.get(this.index++)
    if (request === null) {
      this.invalidRequest(measured, now)
      this.inflight--
      this.idle.push(exchange)
      return
    }
    exchange.send(request, due, now, measured)
  }

  protected override waitingMeasured(): number {
    let count = 0
    for (let i = this.waitingHead; i < this.waiting.length; i++) {
      if ((this.waiting[i] as number) >= this.measureStart) count++
    }
    return count
  }

  protected override stop(reason: string | null, aborted: boolean) {
    clearTimeout(this.timer)
    super.stop(reason, aborted)
  }
}

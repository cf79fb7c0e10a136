import type { TimelineEntry } from '../types.js'
import type { Histogram } from './histogram.js'
import { createHistogram, percentileMs } from './histogram.js'

/** Counts and histograms of one second of a run. */
export interface SecondStats {
  /** Seconds since the measured phase started. */
  t: number
  total: number
  succeeded: number
  failed: number
  dropped: number
  /** Raw latency of the responses completed in this second, µs. */
  raw: Histogram
  /** Corrected latency of the same responses, µs (open model), else null. */
  corrected: Histogram | null
}

/** How a {@link Recorder} is set up. */
export interface RecorderOptions {
  /** `performance.now()` when the measured phase began, ms. */
  start: number
  /** Keep a corrected-latency histogram too (open model). */
  corrected: boolean
  /** How many closed seconds to keep whole, histograms included, for a rolling window. */
  keepSeconds: number
  /** Requests in flight now; read when a second closes. */
  inFlight: () => number
}

/**
 * Everything measured in a run's measured phase: totals, latency histograms (µs) and a
 * timeline of one fixed-size entry per second, so memory stays flat however long the run.
 * Events carry their own timestamp (`performance.now()`, ms) and land in the second they
 * happened in, even when the once-a-second timer runs late.
 */
export class Recorder {
  readonly raw: Histogram = createHistogram()
  readonly corrected: Histogram | null
  total = 0
  succeeded = 0
  failed = 0
  dropped = 0
  bytes = 0
  readonly errors = new Map<string, number>()
  readonly timeline: TimelineEntry[] = []

  private readonly statuses = new Float64Array(1000)
  private readonly options: RecorderOptions
  private readonly kept: SecondStats[] = []
  private current: SecondStats
  private boundary: number

  constructor(options: RecorderOptions) {
    this.options = options
    this.corrected = options.corrected ? createHistogram() : null
    this.current = newSecond(0, options.corrected)
    this.boundary = options.start + 1000
  }

  /**
   * A response arrived. `failure` is null when it succeeded, else its error kind
   * (`status_503`, `check`). Latencies in µs; `correctedUs` is ignored in the closed model.
   */
  response(
    now: number,
    rawUs: number,
    correctedUs: number,
    status: number,
    failure: string | null,
  ) {
    if (now >= this.boundary) this.advance(now)
    const second = this.current

    this.raw.recordValue(rawUs)
    second.raw.recordValue(rawUs)
    if (this.corrected !== null) {
      this.corrected.recordValue(correctedUs)
      second.corrected?.recordValue(correctedUs)
    }
    if (status >= 0 && status < 1000) this.statuses[status] = (this.statuses[status] ?? 0) + 1

    this.total++
    second.total++
    if (failure === null) {
      this.succeeded++
      second.succeeded++
      return
    }
    this.failed++
    second.failed++
    this.errors.set(failure, (this.errors.get(failure) ?? 0) + 1)
  }

  /** A request failed without a response (timeout, refused, reset, ...). */
  error(now: number, kind: string) {
    if (now >= this.boundary) this.advance(now)
    this.total++
    this.failed++
    this.current.total++
    this.current.failed++
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1)
  }

  /** An arrival could not start because `maxInFlight` requests were already in flight. */
  drop(now: number) {
    if (now >= this.boundary) this.advance(now)
    this.dropped++
    this.current.dropped++
  }

  /** Closes every second that ended before `now`; the once-a-second timer calls it. */
  advance(now: number) {
    while (now >= this.boundary) {
      this.close()
      this.boundary += 1000
    }
  }

  /** Closes the seconds up to `now`, and the partial second `now` falls in when any of it ran. */
  finish(now: number) {
    this.advance(now)
    if (now > this.boundary - 1000) this.close()
  }

  /** Response counts by status code, as the result carries them. */
  statusCodes(): Record<string, number> {
    const out: Record<string, number> = {}
    this.statuses.forEach((count, status) => {
      if (count > 0) out[String(status)] = count
    })
    return out
  }

  /** Error counts by kind. */
  errorCounts(): Record<string, number> {
    return Object.fromEntries(this.errors)
  }

  /** The last `seconds` closed seconds, oldest first (at most `keepSeconds`). */
  window(seconds: number): SecondStats[] {
    return this.kept.slice(-seconds)
  }

  private close() {
    const second = this.current
    this.timeline.push({
      t: second.t,
      rps: second.total,
      errors: second.failed,
      dropped: second.dropped,
      p50: percentileMs(second.raw, 50),
      p95: percentileMs(second.raw, 95),
      p99: percentileMs(second.raw, 99),
      inFlight: this.options.inFlight(),
    })

    const t = second.t + 1
    if (this.options.keepSeconds === 0) {
      resetSecond(second, t)
      return
    }
    this.kept.push(second)
    const reused = this.kept.length > this.options.keepSeconds ? this.kept.shift() : undefined
    this.current = reused ? resetSecond(reused, t) : newSecond(t, this.options.corrected)
  }
}

function newSecond(t: number, corrected: boolean): SecondStats {
  return {
    t,
    total: 0,
    succeeded: 0,
    failed: 0,
    dropped: 0,
    raw: createHistogram(),
    corrected: corrected ? createHistogram() : null,
  }
}

function resetSecond(second: SecondStats, t: number): SecondStats {
  second.t = t
  second.total = 0
  second.succeeded = 0
  second.failed = 0
  second.dropped = 0
  second.raw.reset()
  second.corrected?.reset()
  return second
}

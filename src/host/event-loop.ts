import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'

/**
 * Node's loop-delay monitor wakes a native timer every `RESOLUTION_MS` and records how long the
 * timer really took; an idle loop records the resolution itself (about 10 ms). The figures we
 * report subtract it, so an idle loop reads about 0 ms and a loop blocked for 200 ms reads
 * about 200 ms.
 */
const RESOLUTION_MS = 10

/** The generator's event loop over one interval. */
export interface LoopReading {
  delayP50Ms: number
  delayP99Ms: number
  delayMaxMs: number
  /** Share of the interval the loop was busy, 0..1. */
  utilization: number
}

/**
 * Watches the event loop of the process it runs in: one delay histogram reset every interval,
 * one kept for the whole recording (the monitor's histograms cannot be merged), and
 * event-loop utilisation from `performance.eventLoopUtilization`.
 */
export class EventLoopWatch {
  readonly #interval: IntervalHistogram
  readonly #whole: IntervalHistogram
  readonly #start: EventLoopUtilization
  #last: EventLoopUtilization
  /** The whole-recording maximum at the previous `take()`, ns. */
  #wholeMax = 0

  constructor() {
    this.#interval = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    this.#whole = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    this.#interval.enable()
    this.#whole.enable()
    this.#start = performance.eventLoopUtilization()
    this.#last = this.#start
  }

  /** The loop since the previous call (or since start), then starts a new interval. */
  take(): LoopReading {
    const now = performance.eventLoopUtilization()
    const reading = {
      ...delays(this.#interval),
      utilization: round(performance.eventLoopUtilization(now, this.#last).utilization, 4),
    }

    // Resetting a delay monitor also forgets when its timer last fired, so the first delay
    // after a reset is not recorded: a stall that began just after the previous reset would
    // be missing from this interval. The whole-recording monitor is never reset; when its
    // maximum grew, the growth happened in this interval and is this interval's maximum.
    const wholeMax = this.#whole.count > 0 ? this.#whole.max : 0
    if (wholeMax > this.#wholeMax) {
      reading.delayMaxMs = Math.max(reading.delayMaxMs, delayMs(wholeMax))
      this.#wholeMax = wholeMax
    }

    this.#last = now
    this.#interval.reset()
    return reading
  }

  /** The loop over the whole recording. */
  whole(): LoopReading {
    return {
      ...delays(this.#whole),
      utilization: round(performance.eventLoopUtilization(this.#start).utilization, 4),
    }
  }

  stop(): void {
    this.#interval.disable()
    this.#whole.disable()
  }
}

function delays(histogram: IntervalHistogram): Omit<LoopReading, 'utilization'> {
  // An interval shorter than the resolution has no delay recorded yet: report 0, not NaN.
  if (histogram.count === 0) return { delayP50Ms: 0, delayP99Ms: 0, delayMaxMs: 0 }
  return {
    delayP50Ms: delayMs(histogram.percentile(50)),
    delayP99Ms: delayMs(histogram.percentile(99)),
    delayMaxMs: delayMs(histogram.max),
  }
}

function delayMs(nanoseconds: number): number {
  return round(Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS), 3)
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

import type { TimelineEntry } from '../types.js'

/**
 * Whether a second's latency percentiles describe real responses. The engine records a
 * latency for every response (whatever its status) but none for a transport error or a
 * timeout, and writes 0 for a second without any: such a second (nothing completed, or
 * every completion an error and the percentiles 0) has no latency, and a 0 there would
 * read as the fastest second of the run.
 */
export function hasLatency(entry: TimelineEntry): boolean {
  if (!(entry.rps > 0)) return false
  return entry.errors < entry.rps || entry.p50 > 0 || entry.p95 > 0
}

/**
 * The arrival (offered) rate of each second, requests per second: every request that
 * arrived either completed, was dropped, or is still in flight at the end of the second.
 * In an open model this is the schedule's rate even past capacity, where the completed
 * throughput stops rising; in a closed model it equals the throughput.
 */
export function offeredRates(timeline: readonly TimelineEntry[]): number[] {
  const rates: number[] = []
  let inFlight = 0
  for (const e of timeline) {
    rates.push(Math.max(0, e.rps + e.dropped + e.inFlight - inFlight))
    inFlight = e.inFlight
  }
  return rates
}

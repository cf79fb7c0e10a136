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

interface Segment {
  /** Start of the segment, ms from the measured start. */
  start: number
  /** Length, ms (Infinity for a constant rate without stages). */
  length: number
  /** Rate at the start and the end of the segment, requests per second. */
  from: number
  to: number
  /** Arrivals scheduled before the segment starts. */
  before: number
}

/**
 * When each arrival of an open-model run is due. The rate is constant, or ramps linearly from
 * `rate` to each stage's target in turn (k6's ramping arrival rate). Arrival k (from 0) is due
 * when the integral of the rate reaches k, so a ramp's arrivals follow the ramp exactly rather
 * than stepping once a second.
 */
export class ArrivalSchedule {
  private readonly segments: Segment[] = []
  private cursor = 0

  /** `rate` in requests per second; stages' durations in ms. */
  constructor(rate: number, stages: Array<{ durationMs: number; target: number }>) {
    if (stages.length === 0) {
      this.segments.push({
        start: 0,
        length: Number.POSITIVE_INFINITY,
        from: rate,
        to: rate,
        before: 0,
      })
      return
    }
    let start = 0
    let before = 0
    let from = rate
    for (const stage of stages) {
      this.segments.push({ start, length: stage.durationMs, from, to: stage.target, before })
      before += ((from + stage.target) / 2) * (stage.durationMs / 1000)
      start += stage.durationMs
      from = stage.target
    }
  }

  /** When arrival `k` is due, ms from the measured start; null when the schedule ends first. */
  timeOf(k: number): number | null {
    while (this.cursor < this.segments.length) {
      const segment = this.segments[this.cursor] as Segment
      const count = ((segment.from + segment.to) / 2) * (segment.length / 1000)
      if (k < segment.before + count) return segment.start + offset(segment, k - segment.before)
      this.cursor++
    }
    return null
  }

  /** The rate at `t` ms from the measured start, requests per second (0 after the end). */
  rateAt(t: number): number {
    for (const segment of this.segments) {
      if (t < segment.start + segment.length) {
        return segment.from + ((segment.to - segment.from) * (t - segment.start)) / segment.length
      }
    }
    return 0
  }
}

// Time into the segment at which `m` arrivals have accumulated: solves
// from·τ + (to − from)·τ²/(2·length) = m (τ in seconds) in the form that stays exact when the
// ramp is flat or falling.
function offset(segment: Segment, m: number): number {
  if (m <= 0) return 0
  const lengthS = segment.length / 1000
  const a = segment.to === segment.from ? 0 : (segment.to - segment.from) / (2 * lengthS)
  const b = segment.from
  if (a === 0) return (m / b) * 1000
  const root = Math.sqrt(Math.max(0, b * b + 4 * a * m))
  return ((2 * m) / (b + root)) * 1000
}

/** A bend in latency against the request rate: where p95 starts to climb with the rate. */
export interface Knee {
  /** Rate at the bend, requests per second. */
  rps: number
  /** Fitted p95 at the bend, ms. */
  p95Ms: number
  /** Slope below the bend, ms per 100 req/s. */
  slopeBelow: number
  /** Slope above the bend, ms per 100 req/s. */
  slopeAbove: number
  /** Highest rate seen, req/s, and the fitted p95 there, ms. */
  maxRps: number
  p95AtMaxMs: number
  /** Share of the single line's squared error that the two-line fit leaves, 0..1. */
  residualShare: number
}

/**
 * Finds the knee of p95 against the request rate in a stress ramp with a two-segment
 * least-squares fit: the points (rate, p95) sorted by rate are split at every possible place
 * (at least 3 points a side), a line is fitted to each side, and the split with the least
 * total squared error wins (prefix sums make each split O(1)); the knee is where the two
 * lines meet. It is reported only when the
 * bend is real: at least 10 points, rates spanning 1.5× or more, the slope above at least 3×
 * the slope below, the p95 at the top at least 1.5× the p95 at the bend, and two lines
 * leaving at most 70% of one line's error. Null otherwise.
 * Give it the offered (arrival) rate when known: past capacity the completed throughput
 * stops rising while latency climbs, which hides the bend.
 */
export function findLatencyKnee(rps: readonly number[], p95: readonly number[]): Knee | null {
  const n = rps.length
  if (n < 10 || p95.length !== n) return null
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rps[a]! - rps[b]!)
  const x = order.map(i => rps[i]! / 100) // per 100 req/s keeps slopes readable
  const y = order.map(i => p95[i]!)
  if (x[0]! <= 0 || x[n - 1]! < 1.5 * x[0]!) return null

  const sums = prefixSums(x, y)
  const whole = segmentFit(sums, 0, n)
  let best: { split: number; left: Line; right: Line } | null = null
  for (let split = 3; split <= n - 3; split++) {
    const left = segmentFit(sums, 0, split)
    const right = segmentFit(sums, split, n)
    if (!best || left.sse + right.sse < best.left.sse + best.right.sse) {
      best = { split, left, right }
    }
  }
  if (!best) return null

  // The bend is where the two lines meet (kept within the rates seen), not the split's
  // first point: on a curve that climbs ever faster the split lands late.
  const { left, right } = best
  const meet =
    right.slope !== left.slope
      ? (left.intercept - right.intercept) / (right.slope - left.slope)
      : x[best.split]!
  const kneeX = Math.min(x[n - 1]!, Math.max(x[0]!, meet))
  const kneeP95 = left.slope * kneeX + left.intercept
  const topX = x[n - 1]!
  const topP95 = best.right.slope * topX + best.right.intercept
  const residualShare = whole.sse > 0 ? (best.left.sse + best.right.sse) / whole.sse : 1
  const bends =
    best.right.slope > 0 &&
    best.right.slope >= 3 * Math.max(best.left.slope, 0) &&
    kneeP95 > 0 &&
    topP95 >= 1.5 * kneeP95 &&
    residualShare <= 0.7
  if (!bends) return null
  return {
    rps: kneeX * 100,
    p95Ms: kneeP95,
    slopeBelow: best.left.slope,
    slopeAbove: best.right.slope,
    maxRps: topX * 100,
    p95AtMaxMs: topP95,
    residualShare,
  }
}

interface Line {
  slope: number
  intercept: number
  sse: number
}

interface Sums {
  x: Float64Array
  y: Float64Array
  xx: Float64Array
  xy: Float64Array
  yy: Float64Array
}

function prefixSums(x: readonly number[], y: readonly number[]): Sums {
  const n = x.length
  const s: Sums = {
    x: new Float64Array(n + 1),
    y: new Float64Array(n + 1),
    xx: new Float64Array(n + 1),
    xy: new Float64Array(n + 1),
    yy: new Float64Array(n + 1),
  }
  for (let i = 0; i < n; i++) {
    const xi = x[i]!
    const yi = y[i]!
    s.x[i + 1] = s.x[i]! + xi
    s.y[i + 1] = s.y[i]! + yi
    s.xx[i + 1] = s.xx[i]! + xi * xi
    s.xy[i + 1] = s.xy[i]! + xi * yi
    s.yy[i + 1] = s.yy[i]! + yi * yi
  }
  return s
}

/** Least-squares line of points [from, to) and its squared error, from the prefix sums. */
function segmentFit(s: Sums, from: number, to: number): Line {
  const n = to - from
  const sx = s.x[to]! - s.x[from]!
  const sy = s.y[to]! - s.y[from]!
  const sxx = s.xx[to]! - s.xx[from]! - (sx * sx) / n
  const sxy = s.xy[to]! - s.xy[from]! - (sx * sy) / n
  const syy = s.yy[to]! - s.yy[from]! - (sy * sy) / n
  const slope = sxx > 0 ? sxy / sxx : 0
  const intercept = (sy - slope * sx) / n
  return { slope, intercept, sse: Math.max(0, syy - slope * sxy) }
}

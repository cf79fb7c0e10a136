import { errorFunction } from 'simple-statistics'

/**
 * P(Z ≥ z) for a standard normal Z: simple-statistics' error function (error < 1.2e-7)
 * up to z = 5; beyond, where 1 − erf loses every digit and would read 0, the asymptotic
 * series φ(z)/z · (1 − 1/z² + 3/z⁴ − 15/z⁶) (relative error under 1e-4 from z = 5), so a
 * strong result reports a tiny p-value rather than an impossible 0.
 */
export function upperTail(z: number): number {
  if (z < 5) return 0.5 * (1 - errorFunction(z / Math.SQRT2))
  const inverse = 1 / (z * z)
  const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)
  return (density / z) * (1 - inverse + 3 * inverse * inverse - 15 * inverse * inverse * inverse)
}

/**
 * The standard normal quantile: z with P(Z ≤ z) = p, for the width of prediction bands and
 * confidence intervals. Acklam's rational approximation (relative error below 1.2e-9);
 * simple-statistics' `probit` is only good to about two decimals (1.957 for 0.975).
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY
  if (p >= 1) return Number.POSITIVE_INFINITY
  const low = 0.02425
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5
  const r = q * q
  const num =
    ((((-39.69683028665376 * r + 220.9460984245205) * r - 275.9285104469687) * r +
      138.357751867269) *
      r -
      30.66479806614716) *
      r +
    2.506628277459239
  const den =
    ((((-54.47609879822406 * r + 161.5858368580409) * r - 155.6989798598866) * r +
      66.80131188771972) *
      r -
      13.28068155288572) *
      r +
    1
  return (num * q) / den
}

/** The lower-tail branch of Acklam's approximation, in q = √(−2 ln p). */
function tail(q: number): number {
  const num =
    ((((-0.007784894002430293 * q - 0.3223964580411365) * q - 2.400758277161838) * q -
      2.549732539343734) *
      q +
      4.374664141464968) *
      q +
    2.938163982698783
  const den =
    (((0.007784695709041462 * q + 0.3224671290700398) * q + 2.445134137142996) * q +
      3.754408661907416) *
      q +
    1
  return num / den
}

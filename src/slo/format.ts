/** How numbers read in messages and summaries, in one place so they read alike everywhere. */

/** Milliseconds with one decimal: `31.2`. */
export function formatMs(value: number): string {
  return value.toFixed(1)
}

/** A whole count with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** A rate with at most one decimal and separators: `1,234.5`. */
export function formatRate(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 })
}

/** A percent with at most two decimals: `99.97%`, `100%`. */
export function formatPercent(value: number): string {
  // A value below 100 never reads as 100: a failed success-rate objective must not print
  // "measured 100%", so 99.996 keeps a third decimal (99.996%, at most 99.999%).
  const text = Number(value.toFixed(2))
  if (text >= 100 && value < 100) return `${Math.min(Number(value.toFixed(3)), 99.999)}%`
  return `${text}%`
}

/**
 * Why a percent such as a success-rate floor looks like a fraction (0 < value < 1), else null.
 * k6 writes rates as fractions (`rate > 0.99`); here they are percents, and a floor of 0.99%
 * would pass almost any run, so the value is refused rather than read that way.
 */
export function fractionMistake(value: number): string | null {
  if (!(value > 0 && value < 1)) return null
  return `${value} would mean ${value}%, not ${Number((value * 100).toFixed(4))}%: give a percent from 1 to 100 (or 0 for no floor)`
}

/** A bound as written in a unit: `25 ms`, `99.9%`, `50 req/s`. */
export function formatWithUnit(value: number, unit: string): string {
  if (unit === '%') return formatPercent(value)
  if (unit === 'ms') return `${Number(value.toFixed(3))} ms`
  return `${formatRate(value)} ${unit}`
}

/** The comparator as people write it: `≤`, `<`, `≥`, `>`. */
export function formatComparator(comparator: '<=' | '<' | '>=' | '>'): string {
  return { '<=': '≤', '<': '<', '>=': '≥', '>': '>' }[comparator]
}

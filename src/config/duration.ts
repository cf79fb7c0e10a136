import { invalidOption } from '../errors.js'

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/

/** A duration as users write it: milliseconds as a number, or `'500ms'`, `'30s'`, `'2m'`, `'1h30m'`. */
export type Duration = number | string

/**
 * The longest duration, ms: 2^31 − 1, the most a Node.js timer can wait. Every duration here
 * ends up in a timer, and Node fires a longer one after 1 ms instead (with only a
 * `TimeoutOverflowWarning`), so a run of '600h' would end at once as if it had finished.
 */
export const MAX_DURATION_MS = 2_147_483_647

/** What a message says of {@link MAX_DURATION_MS}. */
export const MAX_DURATION_TEXT = `at most 24.8 days (${MAX_DURATION_MS} ms), the longest a Node.js timer can wait`
const UNITS = "'500ms', '30s', '2m', '1h30m'"

/** What a duration option accepts besides its form. */
export interface DurationBounds {
  /** Only a duration above 0 (a length, a limit); default: 0 is allowed too (a pause). */
  positive?: boolean
}

/**
 * Parses a duration to milliseconds. A number is already milliseconds; a string is one or
 * more `<number><unit>` parts with units ms, s, m, h. At most {@link MAX_DURATION_MS}; with
 * `positive`, above 0. Throws `PerfConfigError` naming `option`.
 */
export function parseDuration(
  value: Duration,
  option: string,
  bounds: DurationBounds = {},
): number {
  const allowed = bounds.positive
    ? `allowed: a duration above 0, in ms or like ${UNITS}`
    : `allowed: milliseconds as a number >= 0, or a string like ${UNITS}`
  const ms = readDuration(value)
  if (ms === undefined || (bounds.positive && ms === 0)) throw invalidOption(option, value, allowed)
  if (ms > MAX_DURATION_MS) throw invalidOption(option, value, `allowed: ${MAX_DURATION_TEXT}`)
  return ms
}

/**
 * Parses a duration read from the environment variable `name`. Everything there is text, so
 * milliseconds as a number cannot be meant: a bare number (is `10` ten seconds or ten
 * milliseconds?) is refused, and the message lists only what can be written there.
 */
export function parseEnvDuration(value: string, name: string): number {
  const text = value.trim()
  if (/^\d+(?:\.\d+)?$/.test(text) || !WHOLE.test(text.toLowerCase())) {
    throw invalidOption(
      name,
      value,
      "allowed: a duration with its unit, such as '500ms', '90s', '10m', '2h', '1h30m'",
    )
  }
  return parseDuration(text, name)
}

/** Renders milliseconds the way people read them: `850 ms`, `12.5 s`, `3 m 20 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return seconds ? `${minutes} m ${seconds} s` : `${minutes} m`
}

// Milliseconds, or undefined when the value is not a duration at all.
function readDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined

  const text = value.trim().toLowerCase()
  if (!WHOLE.test(text)) return undefined

  let total = 0
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * (UNIT_MS[unit as string] as number)
  }
  return total
}

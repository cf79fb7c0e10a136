import { PerfConfigError } from '../errors.js'

/**
 * The known name closest to a mistyped one, when it is close enough to be a typo: at most
 * one edit for short names, two for longer ones; else the one known name it shortens (see
 * `shortenedName`) or extends (see `extendedName`). Undefined when nothing is that close.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const limit = name.length <= 4 ? 1 : 2
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best ?? shortenedName(name, known) ?? extendedName(name, known)
}

/**
 * The only known name of 3 or more characters that the given one begins or ends with
 * (`eventsUrl` for `url`): a longer name for the same thing, too many edits away to count as
 * a typo. Undefined when no known name, or more than one, fits.
 */
function extendedName(name: string, known: readonly string[]): string | undefined {
  const given = name.toLowerCase()
  const fits = known.filter(candidate => {
    const part = candidate.toLowerCase()
    if (part.length < 3 || part.length >= given.length) return false
    return given.startsWith(part) || given.endsWith(part)
  })
  return fits.length === 1 ? fits[0] : undefined
}

/** `did you mean x? ` when a known name is near enough to `name` (`closestName`), else ''. */
export function didYouMean(name: string, known: readonly string[]): string {
  const guess = closestName(name, known)
  return guess ? `did you mean ${guess}? ` : ''
}

/**
 * The only known name that the given one is with a single piece left out (`outDir` for
 * `outputDir`): a short form is several edits from its name, more than a typo, yet as plainly
 * meant. Undefined for names under 3 characters, or when no known name, or more than one, fits.
 */
function shortenedName(name: string, known: readonly string[]): string | undefined {
  const short = name.toLowerCase()
  if (short.length < 3) return undefined
  const fits = known.filter(candidate => {
    const full = candidate.toLowerCase()
    if (full.length <= short.length) return false
    for (let cut = 0; cut <= short.length; cut++) {
      if (full.startsWith(short.slice(0, cut)) && full.endsWith(short.slice(cut))) return true
    }
    return false
  })
  return fits.length === 1 ? fits[0] : undefined
}

/** Levenshtein distance: insertions, deletions and substitutions, each costing 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution))
    }
    previous = row
  }
  return previous[b.length] as number
}

/**
 * `<option>: unknown option; did you mean <nearest>? allowed: <listed>`: a key the options do
 * not have, named by its full path, with the nearest of `known` when one is close enough to be
 * a typo. `listed` is what the message lists (default `known`).
 */
export function unknownOption(
  option: string,
  key: string,
  known: readonly string[],
  listed: readonly string[] = known,
): PerfConfigError {
  return new PerfConfigError(
    option,
    `${option}: unknown option; ${didYouMean(key, known)}allowed: ${listed.join(', ')}`,
  )
}

/**
 * Throws `unknownOption` for the first key of `value` not in `known`, its path `prefix` + key
 * (`stages[1].`, `scenario.`): a misspelt option would otherwise be ignored and its default
 * used in silence.
 */
export function rejectUnknown(
  value: object,
  known: readonly string[],
  prefix = '',
  listed: readonly string[] = known,
): void {
  const key = Object.keys(value).find(name => !known.includes(name))
  if (key !== undefined) throw unknownOption(`${prefix}${key}`, key, known, listed)
}

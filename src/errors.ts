/**
 * A scenario, objective or option the user wrote is wrong. Thrown before any work
 * starts, with a message that names the option, the value given and what is allowed.
 */
export class PerfConfigError extends Error {
  /** The option at fault, as the user wrote it (`rate`, `stages[1].target`, `p95`). */
  readonly option: string

  constructor(option: string, message: string) {
    super(message)
    this.name = 'PerfConfigError'
    this.option = option
  }
}

/**
 * Runs `check`; a `PerfConfigError` it throws is thrown again under the name `rename` gives
 * its option (left as it is when that is undefined), so a mistake is named where the user
 * wrote it: `host.intervalMs` in a scenario, `SLACK_WEBHOOK_URL` for a notifier from the
 * environment. The message, which starts with the option, keeps the rest of its words.
 */
export function underName<T>(check: () => T, rename: (option: string) => string | undefined): T {
  try {
    return check()
  } catch (error) {
    if (!(error instanceof PerfConfigError)) throw error
    const option = rename(error.option)
    if (option === undefined) throw error
    throw new PerfConfigError(option, `${option}${error.message.slice(error.option.length)}`)
  }
}

/** `option` must be ...: builds the usual message shape so every check reads alike. */
export function invalidOption(option: string, value: unknown, allowed: string): PerfConfigError {
  return new PerfConfigError(option, `${option}: got ${describe(value)}; ${allowed}`)
}

/** A short, safe rendering of a value the user gave, for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return `an array of ${value.length}`
  try {
    const text = JSON.stringify(value)
    return text.length > 80 ? `${text.slice(0, 77)}...` : text
  } catch {
    return Object.prototype.toString.call(value)
  }
}

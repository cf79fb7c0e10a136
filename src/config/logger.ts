import { loadEnv } from './env.js'

/** Log levels, quietest last. `PERFORMANCE_LOG_LEVEL` picks one; the default is `warn`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

/** Where library messages go. The default writes structured lines to stderr. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * The level from `PERFORMANCE_LOG_LEVEL` (case-insensitive; unset or empty means `warn`). An
 * unknown value also means `warn`, and `onUnknown` is told what was wrong: a logging setting
 * is not worth stopping a run or a monitor for, but a typo in it must not go unnoticed.
 */
export function logLevelFromEnv(onUnknown?: (message: string) => void): LogLevel {
  loadEnv()
  const raw = process.env.PERFORMANCE_LOG_LEVEL?.trim() || 'warn'
  const value = raw.toLowerCase()
  if (value in ORDER) return value as LogLevel
  onUnknown?.(
    `PERFORMANCE_LOG_LEVEL: got ${JSON.stringify(raw)}; allowed: ${Object.keys(ORDER).join(', ')}; using warn`,
  )
  return 'warn'
}

/** A logger that drops messages below `level` and writes the rest to `sink`. */
export function createLogger(
  level: LogLevel = logLevelFromEnv(),
  sink: (line: string) => void = line => process.stderr.write(`${line}\n`),
): Logger {
  const emit = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''
    sink(`[vitest-perf] ${at} ${message}${extra}`)
  }
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  }
}

let shared: Logger | undefined

/** The library's logger, created on first use from `PERFORMANCE_LOG_LEVEL`; an unknown level
 * is its first (warn) line. */
export function logger(): Logger {
  if (shared) return shared
  let unknown: string | undefined
  const created = createLogger(
    logLevelFromEnv(message => {
      unknown = message
    }),
  )
  if (unknown) created.warn(unknown)
  shared = created
  return created
}

/** Replaces the library's logger (for a host application, or a test that reads the lines). */
export function setLogger(next: Logger): void {
  shared = next
}

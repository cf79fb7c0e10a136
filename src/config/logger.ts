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

/** The level from `PERFORMANCE_LOG_LEVEL` (case-insensitive); unknown values fall back to `warn`. */
export function logLevelFromEnv(): LogLevel {
  loadEnv()
  const value = (process.env.PERFORMANCE_LOG_LEVEL ?? 'warn').toLowerCase()
  return value in ORDER ? (value as LogLevel) : 'warn'
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

/** The library's logger, created on first use from `PERFORMANCE_LOG_LEVEL`. */
export function logger(): Logger {
  shared ??= createLogger()
  return shared
}

/** Replaces the library's logger (for a host application, or a test that reads the lines). */
export function setLogger(next: Logger): void {
  shared = next
}

import { isIP } from 'node:net'
import { envBaseUrl, loadEnv } from '../config/env.js'
import { invalidOption, PerfConfigError } from '../errors.js'
import { fractionMistake } from '../slo/format.js'
import { validateLevels } from '../slo/levels.js'
import { rejectUnknownKeys, resolveAlertConfig } from './alerts/config.js'
import { MAX_TIMER_MS } from './alerts/limits.js'
import { COLLECTOR_NAME } from './collectors.js'
import type {
  Collector,
  EndpointObjectives,
  MonitorEndpoint,
  MonitorOptions,
  ResolvedEndpoint,
  ResolvedMonitorOptions,
} from './types.js'
import { RESERVED_COMPONENTS } from './types.js'

/** Defaults, in one place; the docs name the same values. */
export const MONITOR_DEFAULTS = {
  intervalMs: 30_000,
  port: 8001,
  host: '127.0.0.1',
  maxHistorySize: 10_000,
  redisPrefix: 'vitest-perf:monitor',
  probeRequests: 5,
  probeTimeoutMs: 5000,
  maxClientBufferBytes: 1024 * 1024,
  heartbeatMs: 30_000,
} as const

const NAME = /^[A-Za-z0-9_-]{1,64}$/
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * A number as a person writes one in decimal (`2`, `0.5`, `1e1`): no sign, and none of the
 * hex, octal or binary forms `Number` also reads (`0x10` is 16). The API's query parameters
 * take the same.
 */
export const PLAIN_DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/
/** A port as a person writes one: decimal digits. */
const PORT = /^\d+$/

/** The longest interval and probe timeout: 24 hours, in ms (both end up in timers). */
export const MAX_INTERVAL_MS = MAX_TIMER_MS

/** Every key each level of `MonitorOptions` takes; anything else is refused as a typo. */
const OPTION_KEYS = [
  'endpoints',
  'baseUrl',
  'intervalMs',
  'port',
  'host',
  'token',
  'redisUrl',
  'redisPrefix',
  'maxHistorySize',
  'probe',
  'hostResources',
  'levels',
  'alerts',
  'maxClientBufferBytes',
  'heartbeatMs',
  'collectors',
] as const
const ENDPOINT_KEYS = ['name', 'method', 'url', 'path', 'body', 'headers', 'objectives'] as const
const OBJECTIVE_KEYS = ['p50', 'p95', 'p99', 'availability'] as const
const PROBE_KEYS = ['requests', 'timeoutMs'] as const
const LEVEL_RESOURCES = ['cpu', 'memory', 'disk'] as const
const LEVEL_KEYS = ['normal', 'warning', 'critical'] as const

/**
 * Checks every option once, before the monitor starts, and fills the defaults: from the
 * options first, then the environment (`MONITORING_INTERVAL` in seconds, `MONITOR_PORT`,
 * `MONITOR_HOST`, `MONITOR_TOKEN`, `REDIS_URL`, `PERF_BASE_URL`), then `MONITOR_DEFAULTS`.
 * Options given in code win over the environment; the CLI, whose order is flags, environment,
 * config file, merges `monitorEnv` into the options before it calls this. Every monitor
 * variable that is set is checked, whether or not it wins. Throws `PerfConfigError` naming
 * the option, the value and what is allowed.
 */
export function resolveMonitorOptions(
  options: MonitorOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedMonitorOptions {
  if (env === process.env) loadEnv()
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', options, 'expected an object')
  }
  rejectUnknownKeys(options, OPTION_KEYS, '')

  const fromEnv = monitorEnv(env)
  const intervalMs =
    resolveInterval(options.intervalMs) ?? fromEnv.intervalMs ?? MONITOR_DEFAULTS.intervalMs
  const port = integer('port', options.port ?? fromEnv.port, {
    fallback: MONITOR_DEFAULTS.port,
    min: 0,
    max: 65_535,
  })
  const host = resolveHost(options.host ?? fromEnv.host)
  const token = resolveToken(
    options.token === undefined ? fromEnv.token : checkToken(options.token, 'token'),
    host,
  )
  const redisUrl = resolveRedisUrl(options.redisUrl, 'redisUrl') ?? fromEnv.redisUrl ?? null
  const baseUrl = resolveBaseUrl(
    options.baseUrl,
    env === process.env ? envBaseUrl() : env.PERF_BASE_URL,
  )

  const probe = section(options.probe, 'probe', PROBE_KEYS)
  const probeRequests = integer('probe.requests', probe.requests, {
    fallback: MONITOR_DEFAULTS.probeRequests,
    min: 1,
    max: 100,
  })
  const probeTimeoutMs = probeTimeout(
    probe.timeoutMs,
    Math.min(MONITOR_DEFAULTS.probeTimeoutMs, Math.max(50, Math.floor(intervalMs / 2))),
  )

  // The alerting side owns its options' rules; checking them here makes a bad rule fail
  // before the monitor binds a port, with the same messages. A rule names an endpoint, so the
  // endpoints are resolved first.
  const endpoints = resolveEndpoints(options.endpoints, baseUrl)
  const levels = validateLevels(checkLevelKeys(options.levels), 'levels')
  const checked = resolveAlertConfig({
    intervalMs,
    levels,
    alerts: options.alerts ?? {},
    endpoints,
  })
  if (!options.alerts?.notifiers?.length) checkNotifyTimeout(env.ALERT_NOTIFY_TIMEOUT_MS)
  const alerts: ResolvedMonitorOptions['alerts'] = {
    rules: checked.rules,
    defaultRules: checked.defaultRules,
    forMs: checked.forMs,
    repeatIntervalMs: checked.repeatIntervalMs,
    notifiers: [...(options.alerts?.notifiers ?? [])],
  }

  return {
    endpoints,
    baseUrl: typeof baseUrl === 'string' ? baseUrl : null,
    intervalMs,
    port,
    host,
    token,
    redisUrl,
    redisPrefix: resolvePrefix(options.redisPrefix),
    maxHistorySize: integer('maxHistorySize', options.maxHistorySize, {
      fallback: MONITOR_DEFAULTS.maxHistorySize,
      min: 10,
      max: 1_000_000,
    }),
    probe: { requests: probeRequests, timeoutMs: probeTimeoutMs },
    hostResources: bool('hostResources', options.hostResources, true),
    levels,
    alerts,
    maxClientBufferBytes: integer('maxClientBufferBytes', options.maxClientBufferBytes, {
      fallback: MONITOR_DEFAULTS.maxClientBufferBytes,
      min: 1024,
      max: 1024 ** 3,
    }),
    heartbeatMs: integer('heartbeatMs', options.heartbeatMs, {
      fallback: MONITOR_DEFAULTS.heartbeatMs,
      min: 100,
      max: MAX_TIMER_MS,
    }),
    collectors: resolveCollectors(options.collectors),
  }
}

/** `collectors`: an object of functions under names a series can carry. */
function resolveCollectors(value: unknown): Record<string, Collector> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption('collectors', value, 'expected an object of { name: function }')
  }
  const collectors: Record<string, Collector> = {}
  for (const [name, collector] of Object.entries(value)) {
    if (!COLLECTOR_NAME.test(name)) {
      throw invalidOption(
        `collectors.${name}`,
        name,
        'expected a name of 1 to 64 letters, digits, "_", "." or "-"',
      )
    }
    if (typeof collector !== 'function') {
      throw invalidOption(
        `collectors.${name}`,
        collector,
        'expected a function returning a number or { key: number }',
      )
    }
    collectors[name] = collector as Collector
  }
  return collectors
}

/** True for 127.0.0.0/8, ::1 and `localhost`: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

/** The monitor's own variables, read and checked; those not set are left out. */
export interface MonitorEnv {
  /** `MONITORING_INTERVAL`, converted from seconds to ms. */
  intervalMs?: number
  /** `MONITOR_PORT`. */
  port?: number
  /** `MONITOR_HOST`. */
  host?: string
  /** `MONITOR_TOKEN`. */
  token?: string
  /** `REDIS_URL`. */
  redisUrl?: string
}

/**
 * Reads `MONITORING_INTERVAL`, `MONITOR_PORT`, `MONITOR_HOST`, `MONITOR_TOKEN` and `REDIS_URL`,
 * and checks each that is set (an empty value counts as unset), whether or not an option will
 * override it: a mistake in a variable is reported, not hidden until the day the config stops
 * setting that option. Throws `PerfConfigError` naming the variable. `PERF_BASE_URL` is not
 * read here: it belongs to the whole suite, and is checked only when an endpoint needs it.
 */
export function monitorEnv(env: NodeJS.ProcessEnv = process.env): MonitorEnv {
  if (env === process.env) loadEnv()
  const read: MonitorEnv = {}
  const seconds = env.MONITORING_INTERVAL?.trim()
  const interval = seconds ? intervalSeconds(seconds, 'MONITORING_INTERVAL') : undefined
  if (interval !== undefined) read.intervalMs = interval
  const portText = env.MONITOR_PORT?.trim()
  const port = portText ? portNumber(portText, 'MONITOR_PORT') : undefined
  if (port !== undefined) read.port = port
  const host = env.MONITOR_HOST?.trim()
  if (host) read.host = host
  // Unlike the others, a token is not trimmed: a blank one or one with spaces at its ends is
  // refused, where trimming would quietly use another secret than the one written.
  if (env.MONITOR_TOKEN) read.token = checkToken(env.MONITOR_TOKEN, 'MONITOR_TOKEN')
  const redisUrl = resolveRedisUrl(env.REDIS_URL?.trim() || undefined, 'REDIS_URL')
  if (redisUrl) read.redisUrl = redisUrl
  return read
}

/** `intervalMs` when given, checked; undefined when not. */
function resolveInterval(value: number | undefined): number | undefined {
  if (value === undefined) return undefined
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 50 ||
    value > MAX_INTERVAL_MS
  ) {
    throw invalidOption(
      'intervalMs',
      value,
      `expected milliseconds, a number from 50 to ${MAX_INTERVAL_MS} (24 h)`,
    )
  }
  return value
}

/**
 * An interval written in seconds, a plain decimal from 0.05 to 24 h (`MONITORING_INTERVAL`,
 * `--interval`); returns ms. Throws `PerfConfigError` naming `option`.
 */
export function intervalSeconds(text: string, option: string): number {
  const seconds = Number(text)
  const max = MAX_INTERVAL_MS / 1000
  if (!PLAIN_DECIMAL.test(text) || !(seconds >= 0.05 && seconds <= max)) {
    throw invalidOption(
      option,
      text,
      `expected seconds, a decimal number from 0.05 to ${max} (24 h)`,
    )
  }
  return Math.round(seconds * 1000)
}

/** The probe's request timeout; it also sets the probe's backstop timer (timeout + 1 s). */
function probeTimeout(value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    value > MAX_INTERVAL_MS
  ) {
    throw invalidOption(
      'probe.timeoutMs',
      value,
      `expected milliseconds, a number > 0 and at most ${MAX_INTERVAL_MS} (24 h)`,
    )
  }
  return value
}

/**
 * Without configured notifiers the alerting side builds them from the environment; their
 * timeout ends up in a timer, so it gets the same bound here, before anything starts (the
 * notifiers check the rest of it).
 */
function checkNotifyTimeout(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return
  const ms = Number(value)
  if (Number.isFinite(ms) && ms > MAX_TIMER_MS) {
    throw invalidOption(
      'ALERT_NOTIFY_TIMEOUT_MS',
      value,
      `expected milliseconds, at most ${MAX_TIMER_MS} (24 h)`,
    )
  }
}

/** An optional object option with a known set of keys; `{}` when absent. */
function section<K extends string>(
  value: unknown,
  at: string,
  keys: readonly K[],
): Partial<Record<K, unknown>> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption(at, value, `expected an object { ${keys.join(', ')} }`)
  }
  rejectUnknownKeys(value, keys, at)
  return value as Partial<Record<K, unknown>>
}

/** Checks the keys of `levels` and each resource's bands; the values `validateLevels` checks. */
function checkLevelKeys(levels: unknown): unknown {
  if (levels === undefined) return {}
  if (levels === null || typeof levels !== 'object' || Array.isArray(levels)) return levels
  rejectUnknownKeys(levels, LEVEL_RESOURCES, 'levels')
  for (const [resource, bands] of Object.entries(levels)) {
    if (bands !== null && typeof bands === 'object' && !Array.isArray(bands)) {
      rejectUnknownKeys(bands, LEVEL_KEYS, `levels.${resource}`)
    }
  }
  return levels
}

function resolveHost(value: string | undefined): string {
  if (value === undefined) return MONITOR_DEFAULTS.host
  if (typeof value !== 'string' || !value.trim()) {
    throw invalidOption('host', value, 'expected an address to bind, e.g. 127.0.0.1 or 0.0.0.0')
  }
  return value.trim()
}

function resolveToken(value: string | undefined, host: string): string | null {
  if (value === undefined && !isLoopback(host)) {
    throw new PerfConfigError(
      'token',
      `token: the monitor is bound to ${host}, which other machines can reach, so the API and ` +
        'WebSocket need a token: set MONITOR_TOKEN (or the token option), or bind to 127.0.0.1',
    )
  }
  return value ?? null
}

/**
 * A token as a client sends it: at least 8 characters, not blank, no whitespace at either end
 * (a client sends what it was given, so `"secret "` would be refused to everyone who copied it
 * without the space, and eight spaces are no secret). The message names `option`, never the
 * value.
 */
function checkToken(value: unknown, option: string): string {
  const allowed =
    'expected a string of at least 8 characters, not blank, with no whitespace at either end'
  if (typeof value !== 'string' || value.length < 8) {
    throw new PerfConfigError(option, `${option}: ${allowed}`)
  }
  if (value.trim() === '') {
    throw new PerfConfigError(option, `${option}: got only whitespace; ${allowed}`)
  }
  if (value.trim() !== value) {
    throw new PerfConfigError(option, `${option}: starts or ends with whitespace; ${allowed}`)
  }
  return value
}

function resolveRedisUrl(value: string | undefined, option: string): string | null {
  if (value === undefined) return null
  if (typeof value !== 'string' || !/^rediss?:\/\/./.test(value)) {
    // The URL may hold a password: name the option, never echo the value.
    throw new PerfConfigError(option, `${option}: expected a redis:// or rediss:// URL`)
  }
  return value
}

/**
 * The base URL endpoint paths resolve against: the option, checked at once, else
 * `PERF_BASE_URL`. A variable that is not a URL is returned as its error, thrown only by an
 * endpoint given as a path: a stray one in `.env` must not stop a config of absolute URLs.
 */
function resolveBaseUrl(
  option: string | undefined,
  fromEnv: string | undefined,
): string | PerfConfigError | null {
  if (option !== undefined && option !== '') {
    if (!isHttpUrl(option)) {
      throw invalidOption('baseUrl', option, 'expected an http:// or https:// URL')
    }
    return option
  }
  if (fromEnv === undefined || fromEnv === '') return null
  if (!isHttpUrl(fromEnv)) {
    return invalidOption('PERF_BASE_URL', fromEnv, 'expected an http:// or https:// URL')
  }
  return fromEnv
}

function resolvePrefix(value: string | undefined): string {
  if (value === undefined) return MONITOR_DEFAULTS.redisPrefix
  if (typeof value !== 'string' || !/^[\w:.-]{1,100}$/.test(value)) {
    throw invalidOption('redisPrefix', value, 'expected letters, digits, ":", ".", "_" or "-"')
  }
  return value
}

function resolveEndpoints(
  endpoints: MonitorEndpoint[] | undefined,
  baseUrl: string | PerfConfigError | null,
): ResolvedEndpoint[] {
  if (endpoints === undefined) return []
  if (!Array.isArray(endpoints)) {
    throw invalidOption('endpoints', endpoints, 'expected an array of { name, url or path }')
  }
  const seen = new Set<string>()
  return endpoints.map((endpoint, i) => {
    const at = `endpoints[${i}]`
    if (endpoint === null || typeof endpoint !== 'object') {
      throw invalidOption(at, endpoint, 'expected an object { name, method?, url or path }')
    }
    rejectUnknownKeys(endpoint, ENDPOINT_KEYS, at)
    const name = endpoint.name
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw invalidOption(`${at}.name`, name, 'expected 1 to 64 letters, digits, "_" or "-"')
    }
    if ((RESERVED_COMPONENTS as readonly string[]).includes(name)) {
      throw invalidOption(
        `${at}.name`,
        name,
        `names ${RESERVED_COMPONENTS.join(' and ')} are reserved`,
      )
    }
    if (seen.has(name)) throw invalidOption(`${at}.name`, name, 'expected a name not used twice')
    seen.add(name)

    const method = (endpoint.method ?? 'GET').toUpperCase()
    if (!METHODS.includes(method)) {
      throw invalidOption(`${at}.method`, endpoint.method, `allowed: ${METHODS.join(', ')}`)
    }
    return {
      name,
      method,
      url: endpointUrl(endpoint, at, baseUrl),
      body: endpointBody(endpoint.body, `${at}.body`),
      headers: endpointHeaders(endpoint.headers, `${at}.headers`),
      objectives: checkObjectives(endpoint.objectives, `${at}.objectives`),
    }
  })
}

function endpointUrl(
  endpoint: MonitorEndpoint,
  at: string,
  baseUrl: string | PerfConfigError | null,
): string {
  if (endpoint.url !== undefined && endpoint.path !== undefined) {
    throw new PerfConfigError(at, `${at}: give either url or path, not both`)
  }
  if (endpoint.url !== undefined) {
    if (!isHttpUrl(endpoint.url)) {
      throw invalidOption(`${at}.url`, endpoint.url, 'expected an http:// or https:// URL')
    }
    return endpoint.url
  }
  if (typeof endpoint.path !== 'string' || !endpoint.path.startsWith('/')) {
    throw invalidOption(
      `${at}.path`,
      endpoint.path,
      'expected a path starting with "/" (or give url)',
    )
  }
  if (baseUrl instanceof PerfConfigError) throw baseUrl
  if (!baseUrl) {
    throw new PerfConfigError(
      `${at}.path`,
      `${at}.path: ${JSON.stringify(endpoint.path)} needs a base URL: set baseUrl or PERF_BASE_URL, or give url`,
    )
  }
  // Joined as text, not with `new URL(path, base)`, which would drop a base path like `/api`.
  return `${baseUrl.replace(/\/+$/, '')}${endpoint.path}`
}

function endpointBody(body: MonitorEndpoint['body'], at: string): string | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return body
  if (typeof body === 'object') return JSON.stringify(body)
  throw invalidOption(at, body, 'expected a string or a JSON object')
}

function endpointHeaders(
  headers: Record<string, string> | undefined,
  at: string,
): Record<string, string> {
  if (headers === undefined) return {}
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw invalidOption(at, headers, 'expected an object of header names to string values')
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw invalidOption(`${at}.${name}`, value, 'expected a string')
  }
  return { ...headers }
}

function checkObjectives(
  objectives: EndpointObjectives | undefined,
  at: string,
): EndpointObjectives {
  if (objectives === undefined) return {}
  if (objectives === null || typeof objectives !== 'object') {
    throw invalidOption(
      at,
      objectives,
      'expected { p50?, p95?, p99? (ms), availability? (percent) }',
    )
  }
  rejectUnknownKeys(objectives, OBJECTIVE_KEYS, at)
  const out: EndpointObjectives = {}
  for (const key of ['p50', 'p95', 'p99'] as const) {
    if (objectives[key] !== undefined) out[key] = positive(`${at}.${key}`, objectives[key], 0)
  }
  const availability = objectives.availability
  if (availability !== undefined) {
    if (typeof availability !== 'number' || !(availability > 0 && availability <= 100)) {
      throw invalidOption(`${at}.availability`, availability, 'expected a percent in (0, 100]')
    }
    const fraction = fractionMistake(availability)
    if (fraction) throw invalidOption(`${at}.availability`, availability, fraction)
    out.availability = availability
  }
  return out
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/**
 * A port written in decimal digits, 0 to 65535 (`MONITOR_PORT`, `--port`): `Number` also reads
 * `0x10` as port 16. Throws `PerfConfigError` naming `option`, with `hint` after what is allowed.
 */
export function portNumber(text: string, option: string, hint = ''): number {
  const port = Number(text)
  if (!PORT.test(text) || port > 65_535) {
    throw invalidOption(option, text, `expected an integer from 0 to 65535${hint}`)
  }
  return port
}

function integer(
  option: string,
  value: unknown,
  { fallback, min, max }: { fallback: number; min: number; max: number },
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(option, value, `expected an integer from ${min} to ${max}`)
  }
  return value
}

function positive(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(option, value, 'expected a number > 0')
  }
  return value
}

function bool(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw invalidOption(option, value, 'expected true or false')
  return value
}

import {
  formatDuration,
  MAX_DURATION_MS,
  MAX_DURATION_TEXT,
  parseDuration,
} from '../config/duration.js'
import { envBaseUrl } from '../config/env.js'
import { describe, invalidOption, PerfConfigError } from '../errors.js'
import type { ObjectiveRow } from '../slo/index.js'
import { resolveObjectiveRow } from '../slo/index.js'
import type { ResultTarget } from '../types.js'
import { redactPath, redactUrl } from './redact.js'
import type { BaseUrl, PreparedRequest } from './request.js'
import { parseBaseUrl, prepareRequest, requestKeyProblem, requestKeys } from './request.js'
import { rejectUnknown, unknownOption } from './suggest.js'
import type { Check, ProgressEntry, RequestSpec, Scenario } from './types.js'

/** Defaults, in one place (the README lists the same). */
export const DEFAULTS = {
  connections: 10,
  pipelining: 1,
  durationMs: 10_000,
  timeoutMs: 10_000,
  maxInFlight: 1000,
  abortAfterMs: 5000,
  abortWindowMs: 5000,
} as const

/** Upper bounds past which a value is a mistake rather than a plan. */
const LIMITS = {
  connections: 10_000,
  pipelining: 128,
  maxInFlight: 100_000,
  rate: 1_000_000,
  iterations: 1_000_000_000,
} as const

/** Every option a scenario may carry. `host` belongs to the harness and is passed through. */
export const SCENARIO_KEYS = [
  'name',
  'url',
  'baseUrl',
  'method',
  'headers',
  'body',
  'requests',
  'timeout',
  'expectStatus',
  'check',
  'connections',
  'pipelining',
  'duration',
  'iterations',
  'thinkTime',
  'rate',
  'stages',
  'maxInFlight',
  'warmup',
  'signal',
  'onProgress',
  'objectives',
  'abortOnFail',
  'host',
] as const

/** A scenario after validation: every default applied, every duration in ms. */
export interface ResolvedScenario {
  label: string
  model: 'closed' | 'open'
  /** `scheme://host:port` every request goes to. */
  origin: string
  target: Extract<ResultTarget, { kind: 'http' }>
  /** The list form (round-robin), or the single request; for the function form: request 0. */
  requests: PreparedRequest[]
  /** The function form, else null. */
  requestFn: ((index: number) => RequestSpec) | null
  /** Scenario-level request fields that entries fall back to. */
  defaults: RequestSpec
  /** Base for relative paths, if any. */
  base: BaseUrl
  timeoutMs: number
  expectStatus: (status: number) => boolean
  check: Check | null
  connections: number
  pipelining: number
  /** Measured phase length, ms; null when `iterations` bounds the run. */
  durationMs: number | null
  iterations: number | null
  thinkTimeMs: number
  /** Open model: the starting (or constant) rate, req/s. */
  rate: number
  stages: Array<{ durationMs: number; target: number }>
  maxInFlight: number
  warmupMs: number
  signal: AbortSignal | null
  onProgress: ((entry: ProgressEntry) => void) | null
  objectives: ObjectiveRow | null
  abortOnFail: { afterMs: number; windowMs: number } | null
  settings: Record<string, string | number | boolean | null>
}

/**
 * Checks every option of a scenario before anything is sent and returns it resolved.
 * Throws `PerfConfigError` naming the option, the value and what is allowed; an unknown
 * option name is an error too, with the closest known name suggested.
 */
export function validateScenario(scenario: Scenario): ResolvedScenario {
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) {
    throw invalidOption(
      'scenario',
      scenario,
      'expected an object of options such as { url, duration }',
    )
  }
  rejectUnknownOption(scenario, SCENARIO_KEYS, '')

  const open = scenario.rate !== undefined || scenario.stages !== undefined
  const model = open ? 'open' : 'closed'

  const name = optionalName(scenario.name)
  const base = baseUrlOf(scenario.baseUrl)
  const defaults: RequestSpec = {
    url: scenario.url,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
  }
  const { requests, requestFn } = requestsOf(scenario, defaults, base)
  const first = requests[0] as PreparedRequest
  const origin = first.origin
  requests.forEach((request, index) => {
    if (request.origin !== origin) {
      throw invalidOption(
        `requests[${index}].url`,
        request.url,
        `every request of a scenario goes to one origin (${origin}); use one scenario per origin`,
      )
    }
  })

  const timeoutMs = positiveDuration(scenario.timeout, 'timeout') ?? DEFAULTS.timeoutMs
  const expectStatus = expectStatusOf(scenario.expectStatus)
  const check = optionalFunction(scenario.check, 'check') as Check | null

  if (scenario.duration !== undefined && scenario.iterations !== undefined) {
    throw new PerfConfigError(
      'iterations',
      `duration and iterations: got both (${describe(scenario.duration)} and ${describe(scenario.iterations)}); give one: duration bounds the run by time, iterations by request count`,
    )
  }
  const iterations = optionalInteger(scenario.iterations, 'iterations', 1, LIMITS.iterations)
  const connections = optionalInteger(scenario.connections, 'connections', 1, LIMITS.connections)
  const pipelining =
    optionalInteger(scenario.pipelining, 'pipelining', 1, LIMITS.pipelining) ?? DEFAULTS.pipelining
  const warmupMs = durationOrZero(scenario.warmup, 'warmup')

  let thinkTimeMs = 0
  if (scenario.thinkTime !== undefined) {
    if (open) {
      throw invalidOption(
        'thinkTime',
        scenario.thinkTime,
        'thinkTime applies to the closed model only; with rate or stages the arrival rate sets the pace',
      )
    }
    thinkTimeMs = durationOrZero(scenario.thinkTime, 'thinkTime')
  }

  const { rate, stages } = open ? arrivalsOf(scenario) : { rate: 0, stages: [] }
  if (!open && scenario.maxInFlight !== undefined) {
    throw invalidOption(
      'maxInFlight',
      scenario.maxInFlight,
      'maxInFlight applies to the open model only (give rate or stages); the closed model has connections',
    )
  }
  const maxInFlight =
    optionalInteger(scenario.maxInFlight, 'maxInFlight', 1, LIMITS.maxInFlight) ??
    DEFAULTS.maxInFlight

  let durationMs: number | null = positiveDuration(scenario.duration, 'duration')
  if (stages.length > 0) {
    if (durationMs !== null) {
      throw invalidOption(
        'duration',
        scenario.duration,
        'with stages the run lasts as long as the stages together; remove duration',
      )
    }
    if (iterations !== null) {
      throw invalidOption(
        'iterations',
        iterations,
        'with stages the run is bounded by time; remove iterations',
      )
    }
    durationMs = stages.reduce((sum, stage) => sum + stage.durationMs, 0)
    if (durationMs > MAX_DURATION_MS) {
      throw new PerfConfigError(
        'stages',
        `stages: got ${stages.length} stages that last ${readable(durationMs)} together; allowed: ${MAX_DURATION_TEXT}`,
      )
    }
  }
  if (durationMs === null && iterations === null) durationMs = DEFAULTS.durationMs
  // The end of the measured phase is one timer from the start of the run.
  if (durationMs !== null && warmupMs + durationMs > MAX_DURATION_MS) {
    throw new PerfConfigError(
      'warmup',
      `warmup and duration: got ${readable(warmupMs)} and ${readable(durationMs)}, which last ${readable(warmupMs + durationMs)} together; allowed: ${MAX_DURATION_TEXT}`,
    )
  }

  const signal = signalOf(scenario.signal)
  const onProgress = optionalFunction(scenario.onProgress, 'onProgress') as
    | ((entry: ProgressEntry) => void)
    | null

  const label = name ?? `${first.method} ${redactPath(first.path)}`
  const objectives =
    scenario.objectives === undefined ? null : resolveObjectiveRow(scenario.objectives, label)
  const abortOnFail = abortOnFailOf(scenario.abortOnFail, objectives)

  const resolved: ResolvedScenario = {
    label,
    model,
    origin,
    target: { kind: 'http', method: first.method, url: redactUrl(first.url) },
    requests,
    requestFn,
    defaults,
    base,
    timeoutMs,
    expectStatus: expectStatus.test,
    check,
    connections: connections ?? (open ? maxInFlight : DEFAULTS.connections),
    pipelining,
    durationMs,
    iterations,
    thinkTimeMs,
    rate,
    stages,
    maxInFlight,
    warmupMs,
    signal,
    onProgress,
    objectives,
    abortOnFail,
    settings: {},
  }
  resolved.settings = settingsOf(resolved, expectStatus.text, scenario)
  return resolved
}

/** `rejectUnknown` for the engine: `host`, a `load()` option, is suggested but not listed. */
function rejectUnknownOption(value: object, known: readonly string[], prefix: string) {
  rejectUnknown(
    value,
    known,
    prefix,
    known.filter(k => k !== 'host'),
  )
}

function optionalName(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidOption('name', value, 'allowed: a non-empty string')
  }
  return value
}

function baseUrlOf(value: unknown): BaseUrl {
  if (value !== undefined) return parseBaseUrl(value, 'baseUrl')
  const fromEnv = envBaseUrl()
  if (fromEnv === undefined) return undefined
  try {
    return parseBaseUrl(fromEnv, 'PERF_BASE_URL')
  } catch (error) {
    // Thrown by the first relative path that needs it, if any does.
    if (error instanceof PerfConfigError) return error
    throw error
  }
}

function requestsOf(
  scenario: Scenario,
  defaults: RequestSpec,
  base: BaseUrl,
): { requests: PreparedRequest[]; requestFn: ((index: number) => RequestSpec) | null } {
  const list = scenario.requests
  if (list === undefined) {
    return { requests: [prepareRequest({}, defaults, base, '')], requestFn: null }
  }

  if (typeof list === 'function') {
    // The function is called once here, for request 0, so a wrong URL fails before any send;
    // the run reuses this first request rather than calling the function twice for it.
    let spec: RequestSpec
    try {
      spec = list(0)
    } catch (error) {
      throw new PerfConfigError(
        'requests',
        `requests: the function threw for index 0: ${(error as Error).message}`,
      )
    }
    return { requests: [entryOf(spec, defaults, base, 'requests(0)')], requestFn: list }
  }

  if (!Array.isArray(list) || list.length === 0) {
    throw invalidOption(
      'requests',
      list,
      'allowed: a non-empty array of requests ({ url, method, headers, body }) or a function (i) => request',
    )
  }
  return {
    requests: list.map((spec, index) => entryOf(spec, defaults, base, `requests[${index}]`)),
    requestFn: null,
  }
}

function entryOf(
  spec: unknown,
  defaults: RequestSpec,
  base: BaseUrl,
  where: string,
): PreparedRequest {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw invalidOption(where, spec, 'allowed: a request object { url, method, headers, body }')
  }
  const unknown = requestKeyProblem(spec)
  if (unknown !== undefined) {
    throw unknownOption(`${where}.${unknown}`, unknown, requestKeys)
  }
  return prepareRequest(spec as RequestSpec, defaults, base, where)
}

function positiveDuration(value: unknown, option: string): number | null {
  if (value === undefined) return null
  return parseDuration(value as string | number, option, { positive: true })
}

function durationOrZero(value: unknown, option: string): number {
  return value === undefined ? 0 : parseDuration(value as string | number, option)
}

function optionalInteger(value: unknown, option: string, min: number, max: number): number | null {
  if (value === undefined) return null
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(option, value, `allowed: a whole number from ${min} to ${max}`)
  }
  return value
}

function optionalFunction(value: unknown, option: string): unknown {
  if (value === undefined) return null
  if (typeof value !== 'function') throw invalidOption(option, value, 'allowed: a function')
  return value
}

function expectStatusOf(value: unknown): { test: (status: number) => boolean; text: string } {
  if (value === undefined)
    return { test: status => status >= 200 && status <= 399, text: '200-399' }

  const allowed = 'allowed: a status code (100..599), a list of them, or { min, max }'
  const isCode = (code: unknown) =>
    typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599
  if (isCode(value)) return { test: status => status === value, text: String(value) }
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every(isCode))
      throw invalidOption('expectStatus', value, allowed)
    const codes = new Set(value as number[])
    return { test: status => codes.has(status), text: [...codes].join(',') }
  }
  if (value !== null && typeof value === 'object') {
    const { min, max, ...rest } = value as { min?: unknown; max?: unknown }
    if (
      !isCode(min) ||
      !isCode(max) ||
      (min as number) > (max as number) ||
      Object.keys(rest).length
    ) {
      throw invalidOption('expectStatus', value, allowed)
    }
    const low = min as number
    const high = max as number
    return { test: status => status >= low && status <= high, text: `${low}-${high}` }
  }
  throw invalidOption('expectStatus', value, allowed)
}

function arrivalsOf(scenario: Scenario): {
  rate: number
  stages: Array<{ durationMs: number; target: number }>
} {
  const hasStages = scenario.stages !== undefined
  let rate = 0
  if (scenario.rate !== undefined) {
    const value = scenario.rate
    const valid = typeof value === 'number' && Number.isFinite(value) && value <= LIMITS.rate
    // Alone, rate is the constant arrival rate and must be positive; with stages it is the
    // starting point of the first ramp and may be 0.
    if (!valid || value < 0 || (!hasStages && value === 0)) {
      throw invalidOption(
        'rate',
        value,
        hasStages
          ? `allowed: the starting arrival rate, requests per second from 0 to ${LIMITS.rate}`
          : `allowed: requests per second, a number above 0 and up to ${LIMITS.rate}`,
      )
    }
    rate = value
  }
  if (!hasStages) return { rate, stages: [] }

  const list = scenario.stages
  if (!Array.isArray(list) || list.length === 0) {
    throw invalidOption(
      'stages',
      list,
      "allowed: a non-empty array of { duration, target } like [{ duration: '30s', target: 100 }]",
    )
  }
  const stages = list.map((stage, index) => {
    const where = `stages[${index}]`
    if (stage === null || typeof stage !== 'object' || Array.isArray(stage)) {
      throw invalidOption(
        where,
        stage,
        "allowed: { duration, target } like { duration: '30s', target: 100 }",
      )
    }
    rejectUnknownOption(stage, ['duration', 'target'], `${where}.`)
    if (stage.duration === undefined) {
      throw invalidOption(`${where}.duration`, undefined, "allowed: a duration above 0 like '30s'")
    }
    const durationMs = positiveDuration(stage.duration, `${where}.duration`) as number
    const target = stage.target
    if (
      typeof target !== 'number' ||
      !Number.isFinite(target) ||
      target < 0 ||
      target > LIMITS.rate
    ) {
      throw invalidOption(
        `${where}.target`,
        target,
        `allowed: an arrival rate, requests per second from 0 to ${LIMITS.rate}`,
      )
    }
    return { durationMs, target }
  })
  if (rate === 0 && stages.every(stage => stage.target === 0)) {
    throw invalidOption(
      'stages',
      list,
      'at least one stage target (or rate) must be above 0, or nothing is ever sent',
    )
  }
  return { rate, stages }
}

function signalOf(value: unknown): AbortSignal | null {
  if (value === undefined) return null
  if (!(value instanceof AbortSignal)) {
    throw invalidOption('signal', value, 'allowed: an AbortSignal (from an AbortController)')
  }
  return value
}

function abortOnFailOf(
  value: unknown,
  objectives: ObjectiveRow | null,
): { afterMs: number; windowMs: number } | null {
  if (value === undefined || value === false) return null
  if (objectives === null) {
    throw invalidOption(
      'abortOnFail',
      value,
      'abortOnFail needs objectives to judge; add objectives',
    )
  }
  if (value === true) return { afterMs: DEFAULTS.abortAfterMs, windowMs: DEFAULTS.abortWindowMs }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption(
      'abortOnFail',
      value,
      "allowed: true, or { after, window } like { after: '10s', window: '5s' }",
    )
  }
  rejectUnknownOption(value, ['after', 'window'], 'abortOnFail.')
  const options = value as { after?: unknown; window?: unknown }
  const windowMs = positiveDuration(options.window, 'abortOnFail.window') ?? DEFAULTS.abortWindowMs
  if (windowMs < 1000) {
    throw invalidOption(
      'abortOnFail.window',
      options.window,
      'allowed: at least 1 s (the window is whole seconds)',
    )
  }
  const afterMs =
    options.after === undefined
      ? DEFAULTS.abortAfterMs
      : parseDuration(options.after as string, 'abortOnFail.after')
  return { afterMs, windowMs: Math.round(windowMs / 1000) * 1000 }
}

function settingsOf(
  resolved: ResolvedScenario,
  expectStatus: string,
  scenario: Scenario,
): Record<string, string | number | boolean | null> {
  const settings: Record<string, string | number | boolean | null> = {
    model: resolved.model,
    method: resolved.target.method,
    url: resolved.target.url,
    requests: resolved.requestFn ? 'function' : resolved.requests.length,
    durationMs: resolved.durationMs,
    iterations: resolved.iterations,
    warmupMs: resolved.warmupMs,
    timeoutMs: resolved.timeoutMs,
    expectStatus,
    check: resolved.check !== null,
    connections: resolved.connections,
    pipelining: resolved.pipelining,
  }
  if (resolved.model === 'closed') {
    settings.thinkTimeMs = resolved.thinkTimeMs
  } else {
    settings.rate = resolved.rate
    settings.maxInFlight = resolved.maxInFlight
    settings.stages = resolved.stages.length
      ? resolved.stages.map(stage => `${stage.durationMs}ms→${stage.target}/s`).join(', ')
      : null
  }
  if (resolved.abortOnFail) {
    settings.abortOnFail = `after ${resolved.abortOnFail.afterMs}ms, window ${resolved.abortOnFail.windowMs}ms`
  }
  if (scenario.name !== undefined) settings.name = scenario.name
  return settings
}

// A length near the timer limit reads in days; `formatDuration` would say '36000 m'.
function readable(ms: number): string {
  return ms < 86_400_000 ? formatDuration(ms) : `${Number((ms / 86_400_000).toFixed(1))} days`
}

import pLimit from 'p-limit'
import { Bench } from 'tinybench'
import type { Duration } from '../config/duration.js'
import { parseDuration } from '../config/duration.js'
import { describe, invalidOption, PerfConfigError } from '../errors.js'
import { classifyError, ERROR_KINDS } from '../load/classify.js'
import { rejectUnknown } from '../load/suggest.js'
import { Recorder } from '../stats/recorder.js'
import { buildResult } from '../stats/result.js'
import type { LoadResult } from '../types.js'

/** Options of {@link measure}: the same words as a load scenario's. */
export interface MeasureOptions {
  /** Label for the result and objectives; default the function's name, else `function`. */
  name?: string
  /** Exact number of measured calls. */
  iterations?: number
  /** Measured phase length: ms or `'30s'`; default 10 s unless `iterations` is given. */
  duration?: Duration
  /** Calls in progress at once, default 1 (sequential, driven by tinybench). */
  concurrency?: number
  /** Time spent calling before measuring, excluded from every statistic; default 0. */
  warmup?: Duration
  /** Stops early; the partial result is returned with `aborted: true`. */
  signal?: AbortSignal
  /** Judges each call's return value: `false`, a throw or a rejection fails it as `check`. */
  check?: (value: unknown) => boolean | undefined | Promise<boolean | undefined>
}

const KEYS = ['name', 'iterations', 'duration', 'concurrency', 'warmup', 'signal', 'check']
const DEFAULT_DURATION_MS = 10_000
const MAX_CONCURRENCY = 10_000

/**
 * Measures in-process work (a model call, a query) the way `load` measures HTTP: calls `fn`
 * (given the call's index from 0) for `iterations` or `duration`, records each call's time in
 * µs into an HDR histogram, counts a throw or rejection as failed (by error code, else
 * `error`) and returns the same `LoadResult` shape, with target `{ kind: 'function', name }`,
 * so every matcher and the reporter treat it like HTTP. Sequential calls run through
 * tinybench; `concurrency` > 1 keeps that many calls in progress through p-limit. Throws
 * `PerfConfigError` on bad options, before any call.
 */
export async function measure(
  fn: (index: number) => unknown,
  options: MeasureOptions = {},
): Promise<LoadResult> {
  const settings = resolve(fn, options)
  const state = new Measurement(fn, settings)
  if (settings.concurrency === 1) await state.sequential()
  else await state.concurrent()
  return state.result()
}

interface Resolved {
  name: string
  iterations: number | null
  durationMs: number | null
  concurrency: number
  warmupMs: number
  signal: AbortSignal | null
  check: MeasureOptions['check'] | null
}

class Measurement {
  private readonly fn: (index: number) => unknown
  private readonly settings: Resolved
  private recorder: Recorder | null = null
  private measureStart = 0
  private startedAt = new Date()
  private index = 0
  private issued = 0

  constructor(fn: (index: number) => unknown, settings: Resolved) {
    this.fn = fn
    this.settings = settings
  }

  async sequential() {
    const { iterations, durationMs, warmupMs, signal } = this.settings
    const bench = new Bench({
      iterations: iterations ?? 0,
      time: durationMs ?? 0,
      warmup: warmupMs > 0,
      warmupTime: warmupMs,
      warmupIterations: 0,
      retainSamples: false,
      throws: false,
      ...(signal ? { signal } : {}),
    })
    bench.add(this.settings.name, () => this.call(), {
      // Declared, so tinybench does not call the function once more to find out.
      async: true,
      beforeAll: mode => {
        if (mode === 'run') this.begin()
      },
    })
    if (signal?.aborted) return
    await bench.run()
  }

  async concurrent() {
    const { warmupMs, durationMs, iterations, concurrency, signal } = this.settings
    const limit = pLimit(concurrency)
    const stopped = () => signal?.aborted === true

    if (warmupMs > 0) {
      const until = performance.now() + warmupMs
      await this.pool(limit, () => stopped() || performance.now() >= until)
    }
    this.begin()
    const until = durationMs === null ? Number.POSITIVE_INFINITY : this.measureStart + durationMs
    await this.pool(limit, () => {
      if (stopped()) return true
      return iterations !== null ? this.issued >= iterations : performance.now() >= until
    })
  }

  result(): LoadResult {
    const now = performance.now()
    const aborted = this.settings.signal?.aborted === true
    const recorder = this.recorder ?? this.begin(now)
    recorder.finish(now)
    const { name, iterations, durationMs, concurrency, warmupMs } = this.settings
    return buildResult(recorder, {
      label: name,
      target: { kind: 'function', name },
      model: 'closed',
      startedAt: this.startedAt,
      durationMs: Math.max(0, now - this.measureStart),
      aborted,
      stopReason: aborted ? 'aborted by signal' : null,
      settings: {
        model: 'closed',
        kind: 'function',
        iterations,
        durationMs,
        concurrency,
        warmupMs,
      },
    })
  }

  private begin(now = performance.now()): Recorder {
    this.measureStart = now
    this.startedAt = new Date()
    this.recorder = new Recorder({
      start: now,
      corrected: false,
      keepSeconds: 0,
      inFlight: () => 0,
    })
    return this.recorder
  }

  private async pool(limit: ReturnType<typeof pLimit>, done: () => boolean) {
    const running = new Set<Promise<void>>()
    while (!done()) {
      const call = limit(() => this.call())
      running.add(call)
      call.then(() => running.delete(call))
      if (running.size >= this.settings.concurrency) await Promise.race(running)
    }
    await Promise.all(running)
  }

  // Times one call of `fn` only (not tinybench's or p-limit's own work) and records it when
  // the measured phase has begun. Never rejects: a failure is counted.
  private async call(): Promise<void> {
    const recorder = this.recorder
    if (recorder !== null) this.issued++
    const started = performance.now()
    let value: unknown
    try {
      value = this.fn(this.index++)
      if (isThenable(value)) value = await value
    } catch (error) {
      const now = performance.now()
      recorder?.response(now, micros(now - started), 0, -1, errorKind(error))
      return
    }
    const now = performance.now()
    const failure = (await this.passes(value)) ? null : ERROR_KINDS.check
    recorder?.response(now, micros(now - started), 0, -1, failure)
  }

  private async passes(value: unknown): Promise<boolean> {
    const check = this.settings.check
    if (!check) return true
    try {
      return (await check(value)) !== false
    } catch {
      return false
    }
  }
}

function resolve(fn: unknown, options: MeasureOptions): Resolved {
  if (typeof fn !== 'function') throw invalidOption('fn', fn, 'allowed: a function to measure')
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', options, 'expected an object such as { iterations: 100 }')
  }
  rejectUnknown(options, KEYS)
  if (options.iterations !== undefined && options.duration !== undefined) {
    throw new PerfConfigError(
      'iterations',
      `duration and iterations: got both (${describe(options.duration)} and ${describe(options.iterations)}); give one`,
    )
  }

  const iterations = integer(options.iterations, 'iterations', 1, 1_000_000_000)
  const concurrency = integer(options.concurrency, 'concurrency', 1, MAX_CONCURRENCY) ?? 1
  let durationMs =
    options.duration === undefined ? null : parseDuration(options.duration, 'duration')
  if (durationMs === 0)
    throw invalidOption('duration', options.duration, 'allowed: a duration above 0')
  if (durationMs === null && iterations === null) durationMs = DEFAULT_DURATION_MS
  const warmupMs = options.warmup === undefined ? 0 : parseDuration(options.warmup, 'warmup')

  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw invalidOption('name', options.name, 'allowed: a non-empty string')
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw invalidOption('signal', options.signal, 'allowed: an AbortSignal')
  }
  if (options.check !== undefined && typeof options.check !== 'function') {
    throw invalidOption('check', options.check, 'allowed: a function of the returned value')
  }

  return {
    name: options.name ?? ((fn as { name?: string }).name || 'function'),
    iterations,
    durationMs,
    concurrency,
    warmupMs,
    signal: options.signal ?? null,
    check: options.check ?? null,
  }
}

function integer(value: unknown, option: string, min: number, max: number): number | null {
  if (value === undefined) return null
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(option, value, `allowed: a whole number from ${min} to ${max}`)
  }
  return value
}

function errorKind(error: unknown): string {
  const kind = classifyError(error)
  return kind === ERROR_KINDS.other ? 'error' : kind
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

function micros(ms: number): number {
  return Math.round(ms * 1000)
}

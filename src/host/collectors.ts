import { logger } from '../config/logger.js'
import { describe, invalidOption } from '../errors.js'

/** One value from a custom collector, e.g. `{ name: 'queue.depth', value: 12, unit: 'jobs' }`. */
export interface CustomMetric {
  name: string
  value: number
  unit: string
}

/** A custom collector: called once per sample; may be async. */
export type Collector = () => CustomMetric[] | Promise<CustomMetric[]>

/** How one collector is called. */
export interface CollectorOptions {
  /** Its name in logs and `collectorFailures`. Default: the function's name, else `collector N`. */
  name?: string
  /** Longest wait for one call, ms; slower calls are skipped for that sample. Default: the recorder's `collectorTimeoutMs`. */
  timeoutMs?: number
}

interface Entry {
  name: string
  fn: Collector
  timeoutMs: number
  /** A call that has not settled yet: the collector is not called again until it does. */
  pending: Promise<unknown> | null
  failure: { reason: string; count: number } | null
}

/**
 * Runs custom collectors, each bounded by its timeout. A collector that throws, returns
 * nonsense or does not answer in time is skipped for that sample and logged once; it is tried
 * again at the next sample, never sooner, and not while its hung call is still pending.
 */
export class CollectorSet {
  readonly #entries: Entry[] = []
  readonly #units: Record<string, string> = {}

  constructor(private readonly defaultTimeoutMs: number) {}

  add(fn: Collector, options: CollectorOptions = {}): void {
    if (typeof fn !== 'function') throw invalidOption('collector', fn, 'allowed: a function')
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw invalidOption('timeoutMs', timeoutMs, 'allowed: milliseconds > 0')
    }
    const name = options.name ?? (fn.name || `collector ${this.#entries.length + 1}`)
    this.#entries.push({ name, fn, timeoutMs, pending: null, failure: null })
  }

  get size(): number {
    return this.#entries.length
  }

  /** Every collector once, in parallel; the values that arrived in time, by metric name. */
  async run(): Promise<Record<string, number>> {
    const values: Record<string, number> = {}
    await Promise.all(this.#entries.map(entry => this.#runOne(entry, values)))
    return values
  }

  /** Units by metric name, as collectors reported them. */
  units(): Record<string, string> {
    return { ...this.#units }
  }

  /** Collectors that failed at least once: the first reason and how many samples they missed. */
  failures(): Array<{ collector: string; reason: string; count: number }> {
    return this.#entries
      .filter(entry => entry.failure !== null)
      .map(entry => ({
        collector: entry.name,
        ...(entry.failure as { reason: string; count: number }),
      }))
  }

  async #runOne(entry: Entry, values: Record<string, number>): Promise<void> {
    if (entry.pending) {
      this.#fail(entry, `still running after ${entry.timeoutMs} ms`)
      return
    }

    let timer: NodeJS.Timeout | undefined
    const call = Promise.resolve().then(() => entry.fn())
    entry.pending = call
    call.then(
      () => clearPending(entry, call),
      () => clearPending(entry, call),
    )
    const timeout = new Promise<'timeout'>(resolve => {
      timer = setTimeout(() => resolve('timeout'), entry.timeoutMs)
      timer.unref()
    })

    try {
      const result = await Promise.race([call, timeout])
      if (result === 'timeout') {
        this.#fail(entry, `did not answer within ${entry.timeoutMs} ms`)
        return
      }
      const problem = checkMetrics(result)
      if (problem) {
        this.#fail(entry, problem)
        return
      }
      for (const metric of result) {
        values[metric.name] = metric.value
        this.#units[metric.name] = metric.unit
      }
    } catch (error) {
      this.#fail(entry, `threw: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      clearTimeout(timer)
    }
  }

  #fail(entry: Entry, reason: string): void {
    if (entry.failure) {
      entry.failure.count++
      return
    }
    entry.failure = { reason, count: 1 }
    logger().warn(`host collector "${entry.name}" skipped: ${reason}`, { collector: entry.name })
  }
}

function clearPending(entry: Entry, call: Promise<unknown>): void {
  if (entry.pending === call) entry.pending = null
}

function checkMetrics(result: unknown): string | null {
  if (!Array.isArray(result))
    return `returned ${describe(result)}, not an array of { name, value, unit }`
  for (const metric of result as unknown[]) {
    const { name, value, unit } = (metric ?? {}) as Record<string, unknown>
    if (typeof name !== 'string' || name === '' || typeof unit !== 'string') {
      return `returned ${describe(metric)}, not { name, value, unit }`
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `returned ${describe(value)} for "${name}", not a finite number`
    }
  }
  return null
}

import { invalidOption } from '../errors.js'
import type { Collector } from './types.js'

/** What a collector may be called: its name becomes a series' metric and a Prometheus label. */
export const COLLECTOR_NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** What the collectors gave in one interval. */
export interface CollectorReading {
  /** Values by metric name; null when a collector threw, timed out or returned no number. */
  values: Record<string, number | null>
  /** `name` → what went wrong, for each collector that failed. */
  failures: Map<string, string>
}

/**
 * Custom collectors: user functions sampled every interval beside the probes. A collector
 * that throws, hangs or returns junk gives null for this interval and a health problem; it
 * never stops the interval.
 */
export class Collectors {
  private readonly collectors = new Map<string, Collector>()
  /** Metric names each collector produced last time, so a failure nulls all of them. */
  private readonly produced = new Map<string, string[]>()

  /** Registers a collector; its values appear under component `custom`. */
  add(name: string, collector: Collector): void {
    if (typeof name !== 'string' || !COLLECTOR_NAME.test(name)) {
      throw invalidOption(
        'addCollector name',
        name,
        'expected 1 to 64 letters, digits, "_", "." or "-"',
      )
    }
    if (typeof collector !== 'function') {
      throw invalidOption(
        'addCollector collector',
        collector,
        'expected a function returning a number',
      )
    }
    if (this.collectors.has(name)) {
      throw invalidOption('addCollector name', name, 'expected a name not already registered')
    }
    this.collectors.set(name, collector)
  }

  /** Registered collector names. */
  names(): string[] {
    return [...this.collectors.keys()]
  }

  /** Metric names known so far (collector names, or `name.key` for object collectors). */
  metrics(): string[] {
    return [...this.collectors.keys()].flatMap(name => this.produced.get(name) ?? [name])
  }

  /** Runs every collector at once, each bounded by `timeoutMs`. Never throws. */
  async collect(timeoutMs: number): Promise<CollectorReading> {
    const values: Record<string, number | null> = {}
    const failures = new Map<string, string>()

    await Promise.all(
      [...this.collectors].map(async ([name, collector]) => {
        try {
          const result = await withTimeout(collector, timeoutMs)
          const metrics = flatten(name, result)
          this.produced.set(name, Object.keys(metrics))
          Object.assign(values, metrics)
        } catch (error) {
          failures.set(name, error instanceof Error ? error.message : String(error))
          for (const metric of this.produced.get(name) ?? [name]) values[metric] = null
        }
      }),
    )
    return { values, failures }
  }
}

function flatten(name: string, result: unknown): Record<string, number | null> {
  if (typeof result === 'number') {
    if (!Number.isFinite(result)) throw new Error(`returned ${result}, not a finite number`)
    return { [name]: result }
  }
  if (result === null) return { [name]: null }
  if (typeof result === 'object' && !Array.isArray(result)) {
    const out: Record<string, number | null> = {}
    for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
      out[`${name}.${key}`] = typeof value === 'number' && Number.isFinite(value) ? value : null
    }
    return out
  }
  throw new Error(`returned ${typeof result}, expected a number or an object of numbers`)
}

async function withTimeout<T>(fn: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not return within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([Promise.resolve().then(fn), timeout])
  } finally {
    clearTimeout(timer)
  }
}

import type { ComplianceRow, LoadResult, Objectives } from '../src/index.js'
import { evaluate, load } from '../src/index.js'
import type { LoadOptions } from './target.js'

/** One arrival rate tried. */
export interface RateStep {
  /** Arrival rate, requests per second. */
  rate: number
  /** True when every objective held and at most `MAX_DROPPED_PCT` of arrivals were dropped. */
  passed: boolean
  /** The objectives judged at this rate. */
  rows: ComplianceRow[]
  result: LoadResult
}

/** What the search found. */
export interface Capacity {
  /** Highest rate that met every objective, requests per second; null if the first failed. */
  capacityRps: number | null
  /** The step at the capacity, if any. */
  capacity: RateStep | null
  /** The first rate that failed, if any. */
  broke: RateStep | null
  steps: RateStep[]
}

/** Arrivals the service may refuse (dropped at the generator's cap) and still pass, percent. */
const MAX_DROPPED_PCT = 1

/**
 * Runs `scenarioAt(rate)` at each rate in turn, judging each on `objectives` (the row for
 * `label`), and stops at the first rate that fails. Each step's result is attached to the test
 * by `load()`, but its rows are returned, not recorded: the rate that broke the objectives is
 * the finding of a stress test, not a failure of the run, so recording its failed rows would
 * turn the report's verdict to FAIL on a healthy service.
 */
export async function stepUpCapacity(options: {
  label: string
  rates: readonly number[]
  objectives: Objectives
  scenarioAt: (rate: number) => LoadOptions
}): Promise<Capacity> {
  const steps: RateStep[] = []
  let capacity: RateStep | null = null

  for (const rate of options.rates) {
    const result = await load(options.scenarioAt(rate))
    const rows = evaluate(result, options.objectives, { label: options.label })
    const arrivals = result.requests.total + result.requests.dropped
    const droppedPct = arrivals === 0 ? 0 : (result.requests.dropped / arrivals) * 100
    const passed = rows.every(row => row.passed) && droppedPct <= MAX_DROPPED_PCT
    const step = {
      rate,
      passed,
      rows: rows.map(row => ({ ...row, scenario: result.label })),
      result,
    }
    steps.push(step)
    if (!passed) return { capacityRps: capacity?.rate ?? null, capacity, broke: step, steps }
    capacity = step
  }
  return { capacityRps: capacity?.rate ?? null, capacity, broke: null, steps }
}

/** `capacity 800 req/s; at 1,100 req/s p50 273 ms > 100 ms, p95 418 ms > 300 ms`. */
export function describeCapacity(label: string, found: Capacity): string {
  const head =
    found.capacityRps === null
      ? `${label}: the lowest rate tried already failed`
      : `${label}: capacity ${found.capacityRps} req/s`
  if (!found.broke) return `${head}, every rate tried met the objectives`
  const failed = found.broke.rows
    .filter(row => !row.passed)
    .map(row => `${row.metric} ${round(row.actual)} ${row.unit} > ${row.target} ${row.unit}`)
  const dropped = found.broke.result.requests.dropped
  if (dropped > 0) failed.push(`${dropped} arrivals dropped`)
  return `${head}; at ${found.broke.rate} req/s ${failed.join(', ')}`
}

function round(value: number | null): string {
  return value === null ? 'n/a' : String(Math.round(value * 10) / 10)
}

import type { RunnerTestCase } from 'vitest'
import { type Duration, parseDuration } from '../config/duration.js'
import { describe, invalidOption, PerfConfigError, underName } from '../errors.js'
import { validateScenario } from '../load/index.js'
import { rejectUnknown } from '../load/suggest.js'
import type { ObjectivesInput } from '../slo/evaluate.js'
import { evaluate, resolveObjectiveRow } from '../slo/evaluate.js'
import { formatMs, formatRate, formatWithUnit } from '../slo/format.js'
import { objectiveList } from '../slo/objectives.js'
import type { ComplianceRow, LoadResult } from '../types.js'
import { annotate, recordCompliance } from './attach.js'
import { currentTest } from './current-test.js'
import { type LoadOptions, loadInto } from './load.js'

/** The scenario run at each rate: an open-model scenario whose `rate` the search sets. */
export type CapacityScenario = Omit<LoadOptions, 'rate' | 'stages'>

/** Options of `findCapacity`. */
export interface CapacityOptions {
  /** The scenario run at each rate (without `rate` or `stages`: the search sets the rate). */
  scenario: CapacityScenario
  /** What every step must meet: a row, a table (the row for the label) or k6-style strings. */
  objectives: ObjectivesInput
  /** Lowest arrival rate tried, requests per second (> 0). */
  from: number
  /** Highest arrival rate tried, requests per second (>= from). */
  to: number
  /** Linear search: try from, from + step, ... up to `to`, stopping at the first failure. */
  step?: number
  /**
   * Binary search between `from` and `to` instead of steps, down to `precision` requests per
   * second (default: a 32nd of the span, at least 1). Fewer runs; assumes that once a rate
   * fails, every higher rate fails too.
   */
  bisect?: boolean | { precision?: number }
  /** How long each rate runs, default the scenario's `duration`, else 10 s. */
  stepDuration?: Duration
  /** Most dropped arrivals allowed at a rate, percent of arrivals; default 1. */
  maxDroppedPct?: number
  /** Which latency judges the steps: `corrected` (default) or `raw`. */
  latency?: 'corrected' | 'raw'
  /** Called after each rate with its step. */
  onStep?: (step: CapacityStep) => void
}

/** One rate tried. */
export interface CapacityStep {
  /** Arrival rate, requests per second. */
  rate: number
  /** True when every objective was met and drops stayed within `maxDroppedPct`. */
  passed: boolean
  /** The objectives judged at this rate, plus a `dropped` row. */
  rows: ComplianceRow[]
  result: LoadResult
}

/** What `findCapacity` found. */
export interface CapacityResult {
  /** The scenario label. */
  label: string
  /** Highest rate tried that met every objective, requests per second; null if `from` failed. */
  capacityRps: number | null
  /** The first failing rate above the capacity, or null when `to` passed. */
  brokeAtRps: number | null
  /** The failed rows at `brokeAtRps`: which objective broke first. */
  limitedBy: ComplianceRow[]
  /** Every rate tried, in the order run. */
  steps: CapacityStep[]
  /** Why the search ended before it finished (the scenario's `signal`), else null. */
  stopReason: string | null
}

/**
 * Finds the highest arrival rate at which a scenario meets every objective: the stress
 * test that answers "how far can we go before the objectives break?". Raises the rate
 * step by step (`step`) or bisects (`bisect`) between `from` and `to`, running the scenario
 * in the open model for `stepDuration` at each rate and judging it with `evaluate`
 * (corrected latency by default). A rate whose drops (arrivals that found `maxInFlight`
 * taken) exceed `maxDroppedPct` fails too, since the service did not take that load.
 *
 * Inside a test, every step's result is attached to it (label `<name> @ <rate> req/s`),
 * the capacity's compliance rows are recorded, and the test is annotated with the verdict.
 * The rows of the rate that broke are returned in `limitedBy` and named in the annotation,
 * but not recorded: finding where the objectives break is what a capacity search is for, so
 * a failed row there is its answer, not a failure of the service at the load it must carry.
 * Throws `PerfConfigError` on bad options before any request is sent.
 */
export function findCapacity(options: CapacityOptions): Promise<CapacityResult> {
  return findCapacityInto(currentTest(), options)
}

/** `findCapacity` for a given test (or none). */
export async function findCapacityInto(
  test: RunnerTestCase | undefined,
  options: CapacityOptions,
): Promise<CapacityResult> {
  const plan = validateCapacity(options)
  const label = plan.label
  const steps: CapacityStep[] = []
  const tried = new Map<number, CapacityStep>()

  const attempt = async (rate: number): Promise<CapacityStep> => {
    const known = tried.get(rate)
    if (known) return known
    const step = await runStep(test, plan, label, rate)
    tried.set(rate, step)
    steps.push(step)
    plan.onStep?.(step)
    return step
  }

  const { capacity, broke } = plan.bisect
    ? await bisect(plan, attempt)
    : await stepUp(plan, attempt)

  const outcome: CapacityResult = {
    label,
    stopReason: interrupted(plan) ? 'aborted by signal' : null,
    capacityRps: capacity?.rate ?? null,
    brokeAtRps: broke?.rate ?? null,
    limitedBy: broke ? broke.rows.filter(row => !row.passed) : [],
    steps,
  }
  if (test) {
    if (capacity) recordCompliance(capacity.rows, test)
    await annotate(test, capacityLine(outcome))
  }
  return outcome
}

/**
 * The verdict in one line: `GET /users: capacity 450 req/s; p95 312 ms > 300 ms failed at
 * 500 req/s`, or
 * `...; every rate tried passed`, or `GET /users: no rate met every objective; ...`.
 */
export function capacityLine(outcome: CapacityResult): string {
  const head =
    outcome.capacityRps === null
      ? `${outcome.label}: no rate met every objective`
      : `${outcome.label}: capacity ${formatRate(outcome.capacityRps)} req/s`
  if (outcome.brokeAtRps !== null) {
    const broken = outcome.limitedBy.map(describeFailure).join(', ')
    return `${head}; ${broken} failed at ${formatRate(outcome.brokeAtRps)} req/s`
  }
  if (outcome.stopReason) return `${head}; the search stopped early: ${outcome.stopReason}`
  return `${head}; every rate tried passed`
}

/** `p95 312 ms > 300 ms`: a failed row with its figures. */
function describeFailure(row: ComplianceRow): string {
  if (row.actual === null) return `${row.metric} not measured`
  const opposite = row.comparator === '<=' || row.comparator === '<' ? '>' : '<'
  const actual =
    row.unit === 'ms' ? `${formatMs(row.actual)} ms` : formatWithUnit(row.actual, row.unit)
  return `${row.metric} ${actual} ${opposite} ${formatWithUnit(row.target, row.unit)}`
}

interface Plan {
  /** The scenario's label: its `name`, else method and path. */
  label: string
  scenario: CapacityScenario
  objectives: ObjectivesInput
  from: number
  to: number
  step: number
  bisect: boolean
  precision: number
  stepMs: number
  maxDroppedPct: number
  latency: 'corrected' | 'raw'
  onStep: ((step: CapacityStep) => void) | undefined
}

type Attempt = (rate: number) => Promise<CapacityStep>
type Search = { capacity: CapacityStep | undefined; broke: CapacityStep | undefined }

async function stepUp(plan: Plan, attempt: Attempt): Promise<Search> {
  let capacity: CapacityStep | undefined
  for (let i = 0; ; i++) {
    const rate = Math.min(plan.to, roundRate(plan.from + i * plan.step))
    const step = await attempt(rate)
    if (cutShort(plan, step)) return { capacity, broke: undefined }
    if (!step.passed) return { capacity, broke: step }
    capacity = step
    if (rate >= plan.to || interrupted(plan)) return { capacity, broke: undefined }
  }
}

async function bisect(plan: Plan, attempt: Attempt): Promise<Search> {
  const low = await attempt(plan.from)
  if (cutShort(plan, low)) return { capacity: undefined, broke: undefined }
  if (!low.passed) return { capacity: undefined, broke: low }
  if (interrupted(plan)) return { capacity: low, broke: undefined }
  const high = await attempt(plan.to)
  if (cutShort(plan, high)) return { capacity: low, broke: undefined }
  if (high.passed) return { capacity: high, broke: undefined }

  let pass = low
  let fail = high
  while (fail.rate - pass.rate > plan.precision && !interrupted(plan)) {
    const mid = roundRate((pass.rate + fail.rate) / 2)
    if (mid <= pass.rate || mid >= fail.rate) break
    const step = await attempt(mid)
    if (cutShort(plan, step)) break
    if (step.passed) pass = step
    else fail = step
  }
  return { capacity: pass, broke: fail }
}

/** The scenario's `signal` fired: the search ends with what it knows. */
function interrupted(plan: Plan): boolean {
  return plan.scenario.signal?.aborted === true
}

/**
 * A step the signal cut short was judged on partial data, so it neither raises the
 * capacity nor breaks it.
 */
function cutShort(plan: Plan, step: CapacityStep): boolean {
  return interrupted(plan) && step.result.aborted
}

async function runStep(
  test: RunnerTestCase | undefined,
  plan: Plan,
  label: string,
  rate: number,
): Promise<CapacityStep> {
  const { duration: _duration, iterations: _iterations, ...scenario } = plan.scenario
  const result = await loadInto(test, {
    ...scenario,
    name: `${label} @ ${formatRate(rate)} req/s`,
    rate,
    duration: plan.stepMs,
  })
  const rows = evaluate(result, plan.objectives, { latency: plan.latency, label })
  rows.push(droppedRow(result, plan.maxDroppedPct))
  return { rate, passed: rows.every(row => row.passed), rows, result }
}

function droppedRow(result: LoadResult, maxDroppedPct: number): ComplianceRow {
  const arrivals = result.requests.total + result.requests.dropped
  const actual = arrivals === 0 ? 0 : (result.requests.dropped / arrivals) * 100
  return {
    scenario: result.label,
    metric: 'dropped',
    target: maxDroppedPct,
    actual,
    unit: '%',
    comparator: '<=',
    passed: actual <= maxDroppedPct,
  }
}

const CAPACITY_KEYS = [
  'scenario',
  'objectives',
  'from',
  'to',
  'step',
  'bisect',
  'stepDuration',
  'maxDroppedPct',
  'latency',
  'onStep',
]

function validateCapacity(options: CapacityOptions): Plan {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption(
      'findCapacity',
      options,
      'expected { scenario, objectives, from, to, step | bisect }',
    )
  }
  rejectUnknown(options, CAPACITY_KEYS)
  const { scenario, objectives, from, to, step, bisect } = options
  if (typeof scenario !== 'object' || scenario === null) {
    throw invalidOption('scenario', scenario, 'expected the scenario to run at each rate')
  }
  if (typeof bisect === 'object' && bisect !== null) rejectUnknown(bisect, ['precision'], 'bisect.')
  for (const key of ['rate', 'stages'] as const) {
    if ((scenario as LoadOptions)[key] !== undefined) {
      throw invalidOption(
        `scenario.${key}`,
        (scenario as LoadOptions)[key],
        'findCapacity sets the rate itself; leave rate and stages out',
      )
    }
  }
  const row = resolveObjectiveRow(objectives, scenario.name)
  if (objectiveList(row).length === 0) {
    throw invalidOption(
      'objectives',
      objectives,
      'expected at least one objective to search against',
    )
  }
  positive(from, 'from')
  positive(to, 'to')
  if (to < from) throw invalidOption('to', to, `must be >= from (${from})`)

  const bisecting = bisect !== undefined && bisect !== false
  if (bisecting === (step !== undefined)) {
    throw new PerfConfigError(
      'step',
      `step / bisect: got ${describe({ step, bisect })}; give exactly one: step (requests per second added each time) or bisect`,
    )
  }
  if (step !== undefined) positive(step, 'step')
  const precision =
    typeof bisect === 'object' && bisect !== null && bisect.precision !== undefined
      ? positive(bisect.precision, 'bisect.precision')
      : Math.max(1, (to - from) / 32)

  const stepMs = parseDuration(options.stepDuration ?? scenario.duration ?? 10_000, 'stepDuration')
  if (stepMs <= 0) throw invalidOption('stepDuration', options.stepDuration, 'must be > 0')
  // The engine's own checks, at the first rate, so a bad scenario fails before any request;
  // named as the user wrote them, under `scenario.`.
  const { host: _host, duration: _duration, iterations: _iterations, ...engine } = scenario
  const { label } = underName(
    () => validateScenario({ ...engine, rate: from, duration: stepMs }),
    option => `scenario.${option}`,
  )
  const maxDroppedPct = options.maxDroppedPct ?? 1
  if (typeof maxDroppedPct !== 'number' || !(maxDroppedPct >= 0 && maxDroppedPct <= 100)) {
    throw invalidOption('maxDroppedPct', maxDroppedPct, 'allowed: a percent from 0 to 100')
  }
  const latency = options.latency ?? 'corrected'
  if (latency !== 'corrected' && latency !== 'raw') {
    throw invalidOption('latency', latency, "allowed: 'corrected' or 'raw'")
  }
  if (options.onStep !== undefined && typeof options.onStep !== 'function') {
    throw invalidOption('onStep', options.onStep, 'allowed: a function')
  }

  return {
    label,
    scenario,
    objectives,
    from,
    to,
    step: step ?? 0,
    bisect: bisecting,
    precision,
    stepMs,
    maxDroppedPct,
    latency,
    onStep: options.onStep,
  }
}

function positive(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(option, value, 'allowed: a number of requests per second > 0')
  }
  return value
}

/** Rates are tried to a tenth of a request per second, so labels stay readable. */
function roundRate(rate: number): number {
  return Math.round(rate * 10) / 10
}

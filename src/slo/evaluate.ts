import { describe, invalidOption, PerfConfigError } from '../errors.js'
import { rejectUnknown } from '../load/suggest.js'
import { responsesOf } from '../stats/result.js'
import type { ComplianceRow, LatencySummary, LoadResult } from '../types.js'
import {
  type Comparator,
  defineObjectiveRow,
  isPlainObject,
  OBJECTIVE_KEYS,
  type Objective,
  type ObjectiveRow,
  type ObjectiveRowInput,
  type Objectives,
  objectiveList,
  unitOf,
} from './objectives.js'

/**
 * What `evaluate` needs from a result: a whole `LoadResult`, or a summary of one rolling
 * window of a run shaped like it (the engine's `abortOnFail` judges those).
 */
export type EvaluableResult = Pick<
  LoadResult,
  'model' | 'successRate' | 'throughputRps' | 'latencyMs' | 'correctedLatencyMs'
> & {
  /** The scenario's label; compliance rows carry it and a table row is picked by it. */
  label?: string
  /** Requests that got a response. When none did, latency objectives cannot be met. */
  responses?: number
  /** A result's responses by status: counted when `responses` is absent. */
  statusCodes?: Record<string, number>
  /** A measured function's calls are counted instead of status codes. */
  target?: LoadResult['target']
  /** Counted when neither of the above is there (a plain array of samples). */
  requests?: { total: number }
}

/**
 * How many requests of `result` got a response, or null when it cannot tell. A run whose
 * requests were all refused, reset or timed out has latency figures of 0 that measured
 * nothing, so they must not meet an objective.
 */
export function answered(result: EvaluableResult): number | null {
  if (result.responses !== undefined) return result.responses
  const requests = result.requests
  if (result.statusCodes && requests) {
    return responsesOf({ statusCodes: result.statusCodes, requests, target: result.target })
  }
  return requests?.total ?? null
}

/** Objectives as `evaluate` accepts them: a table keyed by label, one row, or k6 strings. */
export type ObjectivesInput = Objectives | Record<string, ObjectiveRowInput> | ObjectiveRowInput

/** Options of `evaluate`. */
const EVALUATE_KEYS: readonly string[] = ['latency', 'label']

export interface EvaluateOptions {
  /**
   * Which latency judges an open-model run: `corrected` (default) measures from each
   * request's scheduled arrival, so a stalled service cannot hide behind its own slowness
   * (coordinated omission); `raw` measures from the actual send. A closed-model run only
   * has raw latency.
   */
  latency?: 'corrected' | 'raw'
  /** Pick this label's row from a table (default: the result's label). */
  label?: string
}

/**
 * Judges a result against objectives and returns one compliance row per objective, in the
 * order p50, p90, p95, p99, p999, max, successRate, throughput. A latency objective on a
 * result where no request got a response, or any value that is not a finite number, has
 * `actual: null` and fails. Throws `PerfConfigError` on
 * invalid objectives or when a table has no row for the result's label.
 */
export function evaluate(
  result: EvaluableResult,
  objectives: ObjectivesInput,
  options: EvaluateOptions = {},
): ComplianceRow[] {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', options, "allowed: an object like { latency: 'raw' }")
  }
  rejectUnknown(options, EVALUATE_KEYS)
  const latencyMode = options.latency ?? 'corrected'
  if (latencyMode !== 'corrected' && latencyMode !== 'raw') {
    throw new PerfConfigError(
      'latency',
      `latency: got ${describe(latencyMode)}; allowed: 'corrected' or 'raw'`,
    )
  }
  const row = resolveObjectiveRow(objectives, options.label ?? result.label)
  const scenario = result.label ?? options.label ?? 'scenario'
  return objectiveList(row).map(objective =>
    judgeObjective(scenario, objective, measuredValue(result, objective.metric, latencyMode)),
  )
}

/**
 * Turns any accepted objectives form into one validated row. A plain object whose keys
 * are all objective keys is a row; otherwise it is a table keyed by label, and the row
 * for `label` is taken (or the only row of a one-row table).
 */
export function resolveObjectiveRow(objectives: ObjectivesInput, label?: string): ObjectiveRow {
  if (!isPlainObject(objectives) || looksLikeRow(objectives)) {
    return defineObjectiveRow(objectives as ObjectiveRowInput)
  }
  const labels = Object.keys(objectives)
  const chosen = label !== undefined && label in objectives ? label : undefined
  const key = chosen ?? (labels.length === 1 ? labels[0] : undefined)
  if (key === undefined) {
    throw new PerfConfigError(
      'objectives',
      `objectives: no row for label ${describe(label)}; the table has ${labels.map(l => JSON.stringify(l)).join(', ')}`,
    )
  }
  return defineObjectiveRow(
    objectives[key] as ObjectiveRowInput,
    `objectives[${JSON.stringify(key)}]`,
  )
}

/** The measured value of one metric, or null when it cannot be measured. */
export function measuredValue(
  result: EvaluableResult,
  metric: Objective['metric'],
  latency: 'corrected' | 'raw' = 'corrected',
): number | null {
  if (metric === 'successRate') return finite(result.successRate)
  if (metric === 'throughput') return finite(result.throughputRps)
  if (answered(result) === 0) return null
  const summary = latencySummary(result, latency)
  return finite(summary[metric as keyof LatencySummary])
}

function finite(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** The latency summary that judges a result: corrected for the open model unless `raw`. */
export function latencySummary(
  result: Pick<EvaluableResult, 'model' | 'latencyMs' | 'correctedLatencyMs'>,
  latency: 'corrected' | 'raw' = 'corrected',
): LatencySummary {
  if (latency === 'corrected' && result.model === 'open' && result.correctedLatencyMs) {
    return result.correctedLatencyMs
  }
  return result.latencyMs
}

/** Builds a compliance row: `actual comparator target`; an unmeasured value fails. */
export function judgeObjective(
  scenario: string,
  objective: Objective,
  actual: number | null,
): ComplianceRow {
  return {
    scenario,
    metric: objective.metric,
    target: objective.target,
    actual,
    unit: unitOf(objective.metric),
    comparator: objective.comparator,
    passed: actual !== null && meetsBound(actual, objective.comparator, objective.target),
  }
}

/** `actual comparator target`. */
export function meetsBound(actual: number, comparator: Comparator, target: number): boolean {
  if (comparator === '<=') return actual <= target
  if (comparator === '<') return actual < target
  if (comparator === '>=') return actual >= target
  return actual > target
}

function looksLikeRow(value: Record<string, unknown>): boolean {
  // A number anywhere means a row (so a typo such as `p96` is reported as an unknown
  // objective rather than as a missing label); a table's values are rows, never numbers.
  const entries = Object.entries(value)
  if (entries.some(([, v]) => typeof v === 'number')) return true
  return entries.every(
    ([key]) => key === 'exclusive' || (OBJECTIVE_KEYS as readonly string[]).includes(key),
  )
}

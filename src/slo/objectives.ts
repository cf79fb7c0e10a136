import { describe, PerfConfigError } from '../errors.js'
import { fractionMistake } from './format.js'

/** The metrics an objective can bound. Latency keys are in ms. */
export type ObjectiveKey =
  | 'p50'
  | 'p90'
  | 'p95'
  | 'p99'
  | 'p999'
  | 'max'
  | 'successRate'
  | 'throughput'

/** Latency keys, bounded from above (a budget). */
export const LATENCY_KEYS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const

/** Every objective key, in the order rows are reported. */
export const OBJECTIVE_KEYS: readonly ObjectiveKey[] = [
  ...LATENCY_KEYS,
  'successRate',
  'throughput',
]

/**
 * One label's objectives, each optional. Latency budgets (`p50` ... `max`) in ms are met
 * when the measured value is at or below them; `successRate` (percent, 0..100) and
 * `throughput` (requests per second) are floors met at or above them.
 */
export interface ObjectiveRow {
  /** Median latency budget, ms. */
  p50?: number
  /** 90th percentile latency budget, ms. */
  p90?: number
  /** 95th percentile latency budget, ms. */
  p95?: number
  /** 99th percentile latency budget, ms. */
  p99?: number
  /** 99.9th percentile latency budget, ms. */
  p999?: number
  /** Largest latency allowed, ms. */
  max?: number
  /** Lowest share of requests that must succeed, percent (0..100). */
  successRate?: number
  /** Lowest completed requests per second. */
  throughput?: number
  /**
   * Keys whose bound excludes equality: written with `<` or `>` in a k6-style string
   * (`'p(95) < 300'` fails at exactly 300 ms). Absent means every bound includes it.
   */
  exclusive?: ObjectiveKey[]
}

/**
 * One label's objectives as a user may write them: a row of numbers, one k6-style string
 * (`'p(95) < 300'`) or an array of such strings.
 */
export type ObjectiveRowInput = ObjectiveRow | string | readonly string[]

/** An objective table keyed by label (an endpoint, say), validated by `defineObjectives`. */
export type Objectives = Record<string, ObjectiveRow>

/** The comparison an objective makes: actual `comparator` target. */
export type Comparator = '<=' | '<' | '>=' | '>'

/** One parsed objective: the measured `metric` must satisfy `actual comparator target`. */
export interface Objective {
  metric: ObjectiveKey
  /** The bound, in the metric's unit (ms, percent, requests per second). */
  target: number
  comparator: Comparator
}

/** The forms `parseObjective` accepts, shown in its error message. */
export const ACCEPTED_FORMS =
  "accepted forms: 'p(95) < 300', 'p(99.9)<1000', 'med <= 50', 'max < 2000' (latency in ms, " +
  "bounded with < or <=; percentiles p(50), p(90), p(95), p(99), p(99.9)), 'successRate >= 99.9' " +
  "(percent) and 'throughput > 50' (requests per second), bounded with > or >="

/** A latency summary key by the percentile it holds, written as `String(Number(p))`. */
export const PERCENTILE_KEYS: Readonly<Record<string, (typeof LATENCY_KEYS)[number]>> = {
  '50': 'p50',
  '90': 'p90',
  '95': 'p95',
  '99': 'p99',
  '99.9': 'p999',
  '100': 'max',
}

const NAMED_KEYS: Record<string, ObjectiveKey> = {
  med: 'p50',
  median: 'p50',
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  p999: 'p999',
  max: 'max',
  successrate: 'successRate',
  throughput: 'throughput',
  rps: 'throughput',
}

const STRING_FORM =
  /^\s*(p\(\s*([\d.]+)\s*\)|[a-z0-9]+)\s*(<=|<|>=|>|==)\s*(-?[\d.]+(?:e[+-]?\d+)?)\s*(ms|%|rps|req\/s)?\s*$/i

/** Whether `key` is a latency key (a budget, bounded from above). */
export function isLatencyKey(key: ObjectiveKey): boolean {
  return (LATENCY_KEYS as readonly string[]).includes(key)
}

/** The unit of a metric as compliance rows show it. */
export function unitOf(key: ObjectiveKey): string {
  if (key === 'successRate') return '%'
  if (key === 'throughput') return 'req/s'
  return 'ms'
}

/**
 * Parses one k6-style objective string: `'p(95) < 300'`, `'p(99.9)<1000'`,
 * `'successRate >= 99.9'`, `'throughput > 50'`. Latency is in ms; success rate in percent;
 * throughput in requests per second. Throws `PerfConfigError` naming `option` and showing
 * the accepted forms on anything else.
 */
export function parseObjective(text: string, option = 'objective'): Objective {
  const fail = (why: string) =>
    new PerfConfigError(option, `${option}: got ${describe(text)}; ${why}${ACCEPTED_FORMS}`)
  if (typeof text !== 'string') throw fail('')

  const match = STRING_FORM.exec(text)
  if (!match) throw fail('')
  const [, name = '', percentile, comparator = '', amount = '', unit] = match

  const metric =
    percentile !== undefined
      ? PERCENTILE_KEYS[String(Number(percentile))]
      : NAMED_KEYS[name.toLowerCase()]
  if (!metric) throw fail(`${name} is not an objective metric; `)

  const target = Number(amount)
  if (!Number.isFinite(target) || target < 0) throw fail('the bound must be a number >= 0; ')
  if (comparator === '==') throw fail('an objective is a bound, not an equality; ')

  const latency = isLatencyKey(metric)
  if (latency !== comparator.startsWith('<')) {
    throw fail(
      `${metric} is bounded ${latency ? 'from above (< or <=)' : 'from below (> or >=)'}; `,
    )
  }
  if (unit && unitMatches(metric, unit) === false) {
    throw fail(`the unit ${unit} does not fit ${metric} (${unitOf(metric)}); `)
  }
  if (metric === 'successRate' && target > 100) throw fail('successRate is a percent, 0..100; ')
  const fraction = metric === 'successRate' ? fractionMistake(target) : null
  if (fraction) throw fail(`successRate ${fraction}; `)

  return { metric, target, comparator: comparator as Comparator }
}

/**
 * Validates an objective table keyed by label and returns it with every row as numbers.
 * A row is `{ p95: 300, successRate: 99.9 }`, a k6-style string, or an array of them.
 * Throws `PerfConfigError` naming the label and key for a negative or non-finite value,
 * a success rate above 100, an unknown key (such as `p96`) or a string it cannot read.
 */
export function defineObjectives<T extends Record<string, ObjectiveRowInput>>(
  table: T,
): { [K in keyof T]: ObjectiveRow } {
  if (!isPlainObject(table)) {
    throw new PerfConfigError(
      'objectives',
      `objectives: got ${describe(table)}; expected a table keyed by label, like { '/users': { p95: 300 } }`,
    )
  }
  const out: Record<string, ObjectiveRow> = {}
  for (const [label, row] of Object.entries(table)) {
    out[label] = defineObjectiveRow(row, `objectives[${JSON.stringify(label)}]`)
  }
  return out as { [K in keyof T]: ObjectiveRow }
}

/**
 * Validates one label's objectives (a row of numbers, a k6-style string or an array of
 * them) and returns the row as numbers. `option` names it in error messages.
 */
export function defineObjectiveRow(row: ObjectiveRowInput, option = 'objectives'): ObjectiveRow {
  if (typeof row === 'string') return rowFromStrings([row], option)
  if (Array.isArray(row)) return rowFromStrings(row, option)
  if (!isPlainObject(row)) {
    throw new PerfConfigError(
      option,
      `${option}: got ${describe(row)}; expected a row like { p95: 300, successRate: 99.9 } or k6-style strings`,
    )
  }

  const out: ObjectiveRow = {}
  for (const [key, value] of Object.entries(row)) {
    if (key === 'exclusive') continue
    if (!(OBJECTIVE_KEYS as readonly string[]).includes(key)) {
      throw new PerfConfigError(
        `${option}.${key}`,
        `${option}.${key}: unknown objective ${JSON.stringify(key)}; allowed keys: ${OBJECTIVE_KEYS.join(', ')}`,
      )
    }
    out[key as ObjectiveKey] = checkValue(key as ObjectiveKey, value, `${option}.${key}`)
  }

  const exclusive = (row as ObjectiveRow).exclusive
  if (exclusive !== undefined) {
    if (!Array.isArray(exclusive) || exclusive.some(key => !(key in out))) {
      throw new PerfConfigError(
        `${option}.exclusive`,
        `${option}.exclusive: got ${describe(exclusive)}; expected an array of keys present in the row`,
      )
    }
    if (exclusive.length) out.exclusive = [...exclusive]
  }
  return out
}

/** The objectives of a row as a list, in the canonical key order. */
export function objectiveList(row: ObjectiveRow): Objective[] {
  const list: Objective[] = []
  for (const metric of OBJECTIVE_KEYS) {
    const target = row[metric]
    if (target === undefined) continue
    const strict = row.exclusive?.includes(metric) ?? false
    const comparator: Comparator = isLatencyKey(metric)
      ? strict
        ? '<'
        : '<='
      : strict
        ? '>'
        : '>='
    list.push({ metric, target, comparator })
  }
  return list
}

function rowFromStrings(texts: readonly unknown[], option: string): ObjectiveRow {
  const out: ObjectiveRow = {}
  const exclusive: ObjectiveKey[] = []
  texts.forEach((text, index) => {
    const where = texts.length === 1 ? option : `${option}[${index}]`
    const objective = parseObjective(text as string, where)
    if (out[objective.metric] !== undefined) {
      throw new PerfConfigError(where, `${where}: ${objective.metric} is bounded twice`)
    }
    out[objective.metric] = objective.target
    if (objective.comparator === '<' || objective.comparator === '>') {
      exclusive.push(objective.metric)
    }
  })
  if (exclusive.length) out.exclusive = exclusive
  return out
}

function checkValue(key: ObjectiveKey, value: unknown, option: string): number {
  const unit = key === 'successRate' ? 'a percent from 0 to 100' : `a number >= 0 (${unitOf(key)})`
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PerfConfigError(option, `${option}: got ${describe(value)}; expected ${unit}`)
  }
  if (key === 'successRate' && value > 100) {
    throw new PerfConfigError(option, `${option}: got ${value}; expected ${unit}`)
  }
  const fraction = key === 'successRate' ? fractionMistake(value) : null
  if (fraction) throw new PerfConfigError(option, `${option}: got ${fraction}`)
  return value
}

function unitMatches(metric: ObjectiveKey, unit: string): boolean {
  const want = unitOf(metric)
  if (want === 'req/s') return unit === 'rps' || unit === 'req/s'
  return unit === want
}

/** A plain object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

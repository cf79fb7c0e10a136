import { describe, invalidOption, PerfConfigError } from '../errors.js'
import type {
  ComplianceRow,
  HostSummary,
  LevelThresholds,
  ResourceJudgement,
  ResourceLevel,
} from '../types.js'

/** The resources judged against levels, all in percent. */
export type LevelResource = 'cpu' | 'memory' | 'disk'

/** Thresholds for every judged resource. */
export type LevelTable = Record<LevelResource, LevelThresholds>

/** What a user may write: any resource, any key; missing ones come from `defaultLevels`. */
export type LevelOptions = Partial<Record<LevelResource, Partial<LevelThresholds>>>

/** Which statistic of a resource's samples its level is judged on. Default `p95`. */
export type JudgementBasis = ResourceJudgement['basis']

/** The outcome of `judgeResourceLevel`: one compliance row per judged resource. */
export interface ResourceLevelVerdict {
  /** True when no judged resource reached the level. */
  passed: boolean
  rows: ComplianceRow[]
  /** On failure: every resource that reached the level, with its p95, peak and threshold. */
  message: string
}

/**
 * The library's resource levels, percent: CPU normal below 40, warning at 70, critical at 85;
 * memory 60 / 75 / 90; disk 70 / 80 / 95. Between `normal` and `warning` a value is `elevated`.
 */
export const defaultLevels: Readonly<LevelTable> = Object.freeze({
  cpu: Object.freeze({ normal: 40, warning: 70, critical: 85 }),
  memory: Object.freeze({ normal: 60, warning: 75, critical: 90 }),
  disk: Object.freeze({ normal: 70, warning: 80, critical: 95 }),
})

/** The resources in the order they are judged and reported. */
export const levelResources: readonly LevelResource[] = ['cpu', 'memory', 'disk']

const KEYS: readonly (keyof LevelThresholds)[] = ['normal', 'warning', 'critical']
const RANK: Record<ResourceLevel, number> = { normal: 0, elevated: 1, warning: 2, critical: 3 }

/**
 * Checks a level table and fills what it leaves out from `defaultLevels`. Throws
 * `PerfConfigError` naming the resource and key (`levels.cpu.warning`) for an unknown resource
 * or key, a value that is not a number in 0..100, or bounds that do not increase
 * (`normal < warning < critical`).
 */
export function validateLevels(levels: unknown = {}, option = 'levels'): LevelTable {
  if (levels === null || typeof levels !== 'object' || Array.isArray(levels)) {
    throw invalidOption(option, levels, 'allowed: an object keyed by cpu, memory, disk')
  }

  const table = {} as LevelTable
  const given = levels as Record<string, unknown>
  for (const resource of Object.keys(given)) {
    if (!(levelResources as readonly string[]).includes(resource)) {
      throw invalidOption(`${option}.${resource}`, given[resource], unknownResource(resource))
    }
  }

  for (const resource of levelResources) {
    table[resource] = validateThresholds(given[resource], `${option}.${resource}`, resource)
  }
  return table
}

/**
 * The level of one value: `normal` below `thresholds.normal`, `elevated` from there up to
 * `warning`, `warning` at or above `warning`, `critical` at or above `critical`.
 */
export function classify(value: number, thresholds: LevelThresholds): ResourceLevel {
  if (value >= thresholds.critical) return 'critical'
  if (value >= thresholds.warning) return 'warning'
  if (value >= thresholds.normal) return 'elevated'
  return 'normal'
}

/** True when `level` is at or above `bound` (`critical` reaches `warning`, `elevated` does not). */
export function reaches(level: ResourceLevel, bound: ResourceLevel): boolean {
  return RANK[level] >= RANK[bound]
}

/**
 * Judges a resource's samples (percent): its level from the 95th percentile by default (nearest
 * rank: the smallest sample with at least 95% of samples at or below it), or from the mean or
 * the max; the peak and mean are given beside it. Non-finite samples (unavailable) are ignored;
 * null when no sample is left.
 */
export function judge(
  samples: readonly (number | null)[],
  thresholds: LevelThresholds,
  basis: JudgementBasis = 'p95',
): ResourceJudgement | null {
  const values = samples
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value))
    .sort((a, b) => a - b)
  if (values.length === 0) return null

  const p95 = values[Math.ceil((95 * values.length) / 100) - 1] as number
  const peak = values[values.length - 1] as number
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length
  return judgeStats({ p95, peak, mean, samples: values.length }, thresholds, basis)
}

/** Builds a judgement from statistics already computed (the recorder keeps a histogram). */
export function judgeStats(
  stats: { p95: number; peak: number; mean: number; samples: number },
  thresholds: LevelThresholds,
  basis: JudgementBasis = 'p95',
): ResourceJudgement {
  const value = basis === 'p95' ? stats.p95 : basis === 'mean' ? stats.mean : stats.peak
  return {
    value: round(value),
    basis,
    peak: round(stats.peak),
    mean: round(stats.mean),
    p95: round(stats.p95),
    samples: stats.samples,
    level: classify(value, thresholds),
    thresholds: { ...thresholds },
  }
}

/**
 * The logic of the matcher `toStayBelowResourceLevel(level, resources?)`: passes when no judged
 * resource reached `level` (`elevated`, `warning` or `critical`). One row per resource, metric
 * the resource name, target the resource's bound for `level`, comparator `<`. Resources that
 * were asked for by name but could not be measured fail; unmeasured ones not asked for are
 * left out. Rows carry `scenario: 'host'`; the caller replaces it with the scenario's label.
 */
export function judgeResourceLevel(
  host: HostSummary,
  level: ResourceLevel,
  resources?: readonly string[],
): ResourceLevelVerdict {
  const bound = boundKey(level)
  const asked = checkResources(resources)
  const judged = asked ?? levelResources.filter(resource => host[resource] !== null)

  const rows: ComplianceRow[] = []
  const failures: string[] = []
  const passes: string[] = []
  for (const resource of judged) {
    const judgement = host[resource]
    if (judgement === null) {
      const target = defaultLevels[resource][bound]
      rows.push(row(resource, target, null, false))
      failures.push(`${resource} could not be measured on this host`)
      continue
    }

    const target = judgement.thresholds[bound]
    const passed = !reaches(judgement.level, level)
    rows.push(row(resource, target, judgement.value, passed))
    const figures = describeJudgement(resource, judgement)
    if (passed) passes.push(`${figures} < ${target}%`)
    else failures.push(`${figures} reached ${level} (threshold ${target}%)`)
  }

  if (failures.length > 0) {
    return {
      passed: false,
      rows,
      message: `expected host resources to stay below ${level}: ${failures.join('; ')}`,
    }
  }
  const seen = passes.length > 0 ? passes.join('; ') : 'no resource was measured'
  return { passed: true, rows, message: `host resources stayed below ${level}: ${seen}` }
}

function validateThresholds(
  value: unknown,
  option: string,
  resource: LevelResource,
): LevelThresholds {
  if (value === undefined) return { ...defaultLevels[resource] }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption(option, value, 'allowed: { normal, warning, critical } in percent')
  }

  const given = value as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw invalidOption(`${option}.${key}`, given[key], 'allowed keys: normal, warning, critical')
    }
  }

  const thresholds = { ...defaultLevels[resource] }
  for (const key of KEYS) {
    const bound = given[key]
    if (bound === undefined) continue
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound < 0 || bound > 100) {
      throw invalidOption(`${option}.${key}`, bound, 'allowed: a percent from 0 to 100')
    }
    thresholds[key] = bound
  }

  if (!(thresholds.normal < thresholds.warning && thresholds.warning < thresholds.critical)) {
    const key = thresholds.normal >= thresholds.warning ? 'warning' : 'critical'
    throw new PerfConfigError(
      `${option}.${key}`,
      `${option}.${key}: got ${thresholds[key]}; levels must increase: normal < warning < critical ` +
        `(normal ${thresholds.normal}, warning ${thresholds.warning}, critical ${thresholds.critical})`,
    )
  }
  return thresholds
}

function boundKey(level: ResourceLevel): keyof LevelThresholds {
  if (level === 'elevated') return 'normal'
  if (level === 'warning' || level === 'critical') return level
  throw invalidOption(
    'level',
    level,
    "allowed: 'elevated', 'warning' or 'critical' (every value is at least normal)",
  )
}

function checkResources(resources: readonly string[] | undefined): LevelResource[] | undefined {
  if (resources === undefined) return undefined
  if (!Array.isArray(resources) || resources.length === 0) {
    throw invalidOption('resources', resources, 'allowed: a non-empty list of cpu, memory, disk')
  }
  for (const resource of resources) {
    if (!(levelResources as readonly string[]).includes(resource)) {
      throw invalidOption('resources', resource, unknownResource(String(resource)))
    }
  }
  return resources as LevelResource[]
}

function describeJudgement(resource: string, judgement: ResourceJudgement): string {
  const p95 = judgement.p95 ?? (judgement.basis === 'p95' ? judgement.value : undefined)
  const parts = [p95 === undefined ? undefined : `p95 ${p95}%`]
  if (judgement.basis !== 'p95') parts.unshift(`${judgement.basis} ${judgement.value}%`)
  parts.push(`peak ${judgement.peak}%`)
  return `${resource} ${parts.filter(Boolean).join(', ')}`
}

function row(
  metric: string,
  target: number,
  actual: number | null,
  passed: boolean,
): ComplianceRow {
  return { scenario: 'host', metric, target, actual, unit: '%', comparator: '<', passed }
}

function unknownResource(resource: string): string {
  return `unknown resource ${describe(resource)}; allowed: cpu, memory, disk`
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

import { describe } from '../errors.js'
import { judgeResourceLevel } from '../slo/levels.js'
import type { HostSummary, ResourceLevel } from '../types.js'
import { badInput, guarded, type PerfMatcherState, record } from './context.js'
import { isLoadResult } from './received.js'

const LEVELS: readonly ResourceLevel[] = ['elevated', 'warning', 'critical']

/**
 * `expect(result).toStayBelowResourceLevel(level, resources?)`: no judged host resource
 * (`cpu`, `memory`, `disk`; all measured ones by default) reached `level` during the run.
 * Takes a `LoadResult` recorded with the host recorder, or a `HostSummary`. Records one
 * row per resource with the objectives' own verdicts (also under `.not`).
 */
export const toStayBelowResourceLevel = guarded(
  'toStayBelowResourceLevel',
  function (this: PerfMatcherState, received: unknown, level: unknown, resources?: unknown) {
    if (!LEVELS.includes(level as ResourceLevel)) {
      return badInput(
        this,
        `toStayBelowResourceLevel: the level must be 'elevated', 'warning' or 'critical', received ${describe(level)}`,
      )
    }
    if (resources !== undefined && !isStringArray(resources)) {
      return badInput(
        this,
        `toStayBelowResourceLevel: resources must be an array of names like ['cpu', 'memory'], received ${describe(resources)}`,
      )
    }

    const host = hostOf(received)
    if (typeof host === 'string') return badInput(this, `toStayBelowResourceLevel: ${host}`)
    const label = isLoadResult(received) ? received.label : 'host'

    const verdict = judgeResourceLevel(host, level as ResourceLevel, resources)
    record(
      this,
      verdict.rows.map(row => ({ ...row, scenario: label })),
      received,
    )
    return {
      pass: verdict.passed,
      message: () =>
        this.isNot
          ? `expected a host resource of ${label} to reach ${String(level)}, but ${verdict.message}`
          : verdict.message,
      actual: verdict.rows,
    }
  },
)

function hostOf(received: unknown): HostSummary | string {
  if (isLoadResult(received)) {
    if (received.host) return received.host
    return `${received.label} has no host summary: run load() with the host recorder on (it is unless host: false)`
  }
  if (isHostSummary(received)) return received
  return `expected a LoadResult with a host summary, or a HostSummary, received ${describe(received)}`
}

function isHostSummary(value: unknown): value is HostSummary {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<HostSummary>
  return typeof v.sampleCount === 'number' && 'cpu' in v && 'memory' in v && 'disk' in v
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string')
}

import type { ObjectiveRow } from '../../slo/objectives.js'
import type { EndpointObjectives } from '../types.js'

/**
 * The monitor's objectives for one endpoint from a row of the perf suite's objective table
 * (`defineObjectives`): the p50, p95 and p99 budgets (ms) carry over, and `successRate`
 * (percent) becomes the availability floor. Other keys (p90, p999, max, throughput) have no
 * probe counterpart and are left out: a probe of a few requests cannot measure them.
 */
export function endpointObjectivesFrom(row: ObjectiveRow): EndpointObjectives {
  const objectives: EndpointObjectives = {}
  if (row.p50 !== undefined) objectives.p50 = row.p50
  if (row.p95 !== undefined) objectives.p95 = row.p95
  if (row.p99 !== undefined) objectives.p99 = row.p99
  if (row.successRate !== undefined) objectives.availability = row.successRate
  return objectives
}

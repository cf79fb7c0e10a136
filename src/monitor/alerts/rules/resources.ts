import { classify, reaches } from '../../../slo/levels.js'
import type { LevelThresholds } from '../../../types.js'
import type { LeveledResource } from '../../types.js'
import type { AlertConfig } from '../config.js'
import type { AlertCheck, AlertObservation } from '../types.js'
import { formatValue } from './series.js'

const RESOURCES: readonly LeveledResource[] = ['cpu', 'memory', 'disk']

/**
 * Rules from the host's resource levels (HOST's `classify`, the level bands in percent):
 * - `host_resource_warning` (medium, P2): CPU, memory or disk at or above its warning level;
 * - `host_resource_critical` (high, P1): CPU or memory at or above its critical level;
 * - `host_disk_critical` (critical, P0): disk at or above its critical level (data at risk:
 *   a full disk loses writes).
 * Each resolves once the value is `tuning.resourceHysteresis` (5) percent points below the
 * level that fired it.
 */
export function resourceChecks(config: AlertConfig): AlertCheck[] {
  const { forMs, repeatIntervalMs, levels, tuning } = config
  const base = { source: 'resource' as const, forMs, repeatIntervalMs }
  const band = tuning.resourceHysteresis
  const judge = (resources: readonly LeveledResource[], level: 'warning' | 'critical') =>
    (input => {
      return resources.map(resource =>
        observe(resource, input.snapshot.host[resource], levels[resource], level, band),
      )
    }) satisfies AlertCheck['check']

  return [
    {
      ...base,
      name: 'host_resource_warning',
      severity: 'medium',
      check: judge(RESOURCES, 'warning'),
    },
    {
      ...base,
      name: 'host_resource_critical',
      severity: 'high',
      check: judge(['cpu', 'memory'], 'critical'),
    },
    {
      ...base,
      name: 'host_disk_critical',
      severity: 'critical',
      check: judge(['disk'], 'critical'),
    },
  ]
}

function observe(
  resource: LeveledResource,
  value: number | null,
  thresholds: LevelThresholds,
  level: 'warning' | 'critical',
  band: number,
): AlertObservation {
  const threshold = thresholds[level]
  const clearThreshold = Math.max(0, threshold - band)
  const breaching = value !== null && reaches(classify(value, thresholds), level)
  return {
    labels: { component: 'host', metric: resource, level },
    value,
    threshold,
    clearThreshold,
    unit: '%',
    breaching,
    clear: value !== null && value < clearThreshold,
    summary:
      `host ${resource} ${formatValue(value, '%')} ` +
      `${breaching ? 'at or above' : 'below'} its ${level} level of ${threshold}%`,
    details: {
      resource,
      level: value === null ? null : classify(value, thresholds),
      normal_pct: thresholds.normal,
      warning_pct: thresholds.warning,
      critical_pct: thresholds.critical,
    },
  }
}

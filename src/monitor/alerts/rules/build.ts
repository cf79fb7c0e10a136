import type { AlertConfig } from '../config.js'
import type { AlertCheck } from '../types.js'

import { insightChecks } from './insights.js'
import { objectiveChecks } from './objectives.js'
import { resourceChecks } from './resources.js'
import { thresholdCheck } from './threshold.js'

/**
 * Compiles the rules a resolved config asks for: the built-in ones from objectives, resource
 * levels and insights (unless `defaultRules` is false), then the configured threshold rules.
 */
export function buildRules(config: AlertConfig): AlertCheck[] {
  const checks: AlertCheck[] = []
  if (config.defaultRules) {
    checks.push(...objectiveChecks(config), ...resourceChecks(config), ...insightChecks(config))
  }
  for (const rule of config.rules) checks.push(thresholdCheck(rule, config.repeatIntervalMs))
  return checks
}

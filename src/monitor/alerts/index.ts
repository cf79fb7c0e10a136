export type { AlertConfig, AlertManagerOptions, RuleTuning } from './config.js'
export { BUILT_IN_RULES, resolveAlertConfig } from './config.js'
export { createAlertManager } from './create.js'
export { fingerprint } from './fingerprint.js'
export type { AlertManagerInit } from './manager.js'
export { AlertManager } from './manager.js'
export { endpointObjectivesFrom } from './objectives-table.js'
export type { SeriesRef } from './rules/index.js'
export {
  buildRules,
  insightChecks,
  objectiveChecks,
  resourceChecks,
  thresholdCheck,
} from './rules/index.js'
export type {
  AlertCheck,
  AlertDetails,
  AlertNotification,
  AlertObservation,
  AlertPriority,
  AlertRecord,
  AlertSource,
} from './types.js'
export { SEVERITIES, SEVERITY_PRIORITY } from './types.js'

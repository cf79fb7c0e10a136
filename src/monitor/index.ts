// The live monitor's public API (`vitest-perf/monitor`): re-exports only. From the alerting
// side (alerts/, notifiers/, dashboard/) only the public parts; `AlertManager` is the interface
// in types.ts, and `createAlertManager` returns an implementation of it.
export type {
  AlertCheck,
  AlertManagerOptions,
  AlertNotification,
  AlertObservation,
  AlertRecord,
  RuleTuning,
} from './alerts/index.js'
export {
  BUILT_IN_RULES,
  buildRules,
  createAlertManager,
  endpointObjectivesFrom,
  fingerprint,
  resolveAlertConfig,
  SEVERITIES,
  SEVERITY_PRIORITY,
  thresholdCheck,
} from './alerts/index.js'
export type { DashboardOptions } from './dashboard/index.js'
export { renderDashboard } from './dashboard/index.js'
export type { Monitor, MonitorParts } from './monitor.js'
export { createMonitor } from './monitor.js'
export type { Notifier, NotifierOptions, NotifierSetup, NotifierStatus } from './notifiers/index.js'
export { createNotifier, createNotifiers, notifiersFromEnv } from './notifiers/index.js'
export { isLoopback, MONITOR_DEFAULTS, resolveMonitorOptions } from './options.js'
export type { Probe } from './probe.js'
export { engineProbe } from './probe.js'
export type { HistoricalResponse } from './server.js'
export { MAX_HORIZON_MINUTES, MAX_HOURS } from './server.js'
export type * from './types.js'
export { ENDPOINT_METRICS, HOST_METRICS, METRIC_UNITS, RESERVED_COMPONENTS } from './types.js'

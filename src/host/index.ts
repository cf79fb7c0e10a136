// The host-resource recorder: re-exports only.
export type { Collector, CollectorOptions, CustomMetric } from './collectors.js'
export type { RecordHostOptions, ResolvedHostOptions } from './options.js'
export { hostDefaults, resolveHostOptions } from './options.js'
export type { HostRecorder } from './recorder.js'
export { recordHost } from './recorder.js'
export {
  SATURATION_DELAY_P99_MS,
  SATURATION_UTILIZATION,
  saturationReason,
} from './saturation.js'
export type { SourceKind } from './sources.js'

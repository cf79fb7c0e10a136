// The load engine: re-exports only.
export { ERROR_KINDS } from './classify.js'
export { runLoad } from './run.js'
export type {
  AbortOnFail,
  Check,
  CheckResponse,
  JsonBody,
  ProgressEntry,
  RequestSpec,
  Scenario,
  Stage,
} from './types.js'
export type { ResolvedScenario } from './validate.js'
export { DEFAULTS as LOAD_DEFAULTS, validateScenario } from './validate.js'

// Objectives and compliance: re-exports only.
export type { EvaluableResult, EvaluateOptions, ObjectivesInput } from './evaluate.js'
export {
  compare,
  evaluate,
  judge,
  latencySummary,
  measuredValue,
  resolveObjectiveRow,
} from './evaluate.js'
export type {
  Comparator,
  Objective,
  ObjectiveKey,
  ObjectiveRow,
  ObjectiveRowInput,
  Objectives,
} from './objectives.js'
export {
  ACCEPTED_FORMS,
  defineObjectiveRow,
  defineObjectives,
  OBJECTIVE_KEYS,
  objectiveList,
  parseObjective,
} from './objectives.js'

// Objectives, resource levels and compliance: re-exports only.
export type { EvaluableResult, EvaluateOptions, ObjectivesInput } from './evaluate.js'
export {
  evaluate,
  judgeObjective,
  latencySummary,
  measuredValue,
  meetsBound,
  resolveObjectiveRow,
} from './evaluate.js'
export type {
  JudgementBasis,
  LevelOptions,
  LevelResource,
  LevelTable,
  ResourceLevelVerdict,
} from './levels.js'
export {
  classify,
  defaultLevels,
  judgeResourceLevel,
  levelResources,
  reaches,
  validateLevels,
} from './levels.js'
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

// The Vitest glue: re-exports only. The matcher types come along so that importing the
// package root is enough for `expect(result).toMeetP95(300)` to type-check.
export type {
  LatencyMatcherOptions,
  ObjectivesArgument,
  PerfMatchers,
  RegressionMatcherOptions,
} from '../matchers/index.js'
export { perfMatchers } from '../matchers/index.js'
export { annotate, attachResult, perfMeta, recordCompliance, summaryLine } from './attach.js'
export type { CapacityOptions, CapacityResult, CapacityScenario, CapacityStep } from './capacity.js'
export { capacityLine, findCapacity } from './capacity.js'
export { currentTest } from './current-test.js'
export type { PerfFixtures } from './fixture.js'
export { perfTest } from './fixture.js'
export type { LoadOptions } from './load.js'
export { load } from './load.js'
export type { MeasureOptions } from './measure.js'
export { measure } from './measure-in-test.js'
export { perfTags } from './tags.js'

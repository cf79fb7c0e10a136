// The matchers: re-exports only. `setup.ts` registers them with `expect.extend`.
import { toMeetP50, toMeetP95, toMeetP99, toMeetPercentile } from './latency.js'
import { toMeetObjectives } from './objectives.js'
import { toHaveSuccessRate, toSustainThroughput } from './rates.js'
import { toNotRegressFrom } from './regression.js'
import { toStayBelowResourceLevel } from './resources.js'

export type { LatencyMatcherOptions } from './latency.js'
export type { RegressionMatcherOptions } from './regression.js'
export type { ObjectivesArgument, PerfMatchers } from './types.js'

/** Every vitest-perf matcher, for `expect.extend(perfMatchers)`. */
export const perfMatchers = {
  toMeetP50,
  toMeetP95,
  toMeetP99,
  toMeetPercentile,
  toHaveSuccessRate,
  toSustainThroughput,
  toMeetObjectives,
  toStayBelowResourceLevel,
  toNotRegressFrom,
}

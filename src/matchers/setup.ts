// The matchers setup file: `setupFiles: ['vitest-perf/matchers']` registers every matcher.
// Importing this module's types also brings the `expect(...).toMeetP95()` declarations.
import { expect } from 'vitest'
import { perfMatchers } from './index.js'

export type {
  LatencyMatcherOptions,
  ObjectivesArgument,
  PerfMatchers,
  RegressionMatcherOptions,
} from './index.js'

expect.extend(perfMatchers)

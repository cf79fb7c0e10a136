import type { ObjectiveRow, ObjectiveRowInput, Objectives } from '../slo/objectives.js'
import type { LoadResult, ResourceLevel } from '../types.js'
import type { LatencyMatcherOptions } from './latency.js'
import type { RegressionMatcherOptions } from './regression.js'

/**
 * The vitest-perf matchers. Each takes a `LoadResult` (from `load()` or `measure()`) or an
 * array of latency samples in ms, records its compliance row on the running test pass or
 * fail, and works with `.not` and `expect.soft`.
 */
export interface PerfMatchers<R = unknown> {
  /** Median latency at or below `ms`. Open-model results are judged on corrected latency. */
  toMeetP50(ms: number, options?: LatencyMatcherOptions): R
  /** 95th percentile latency at or below `ms`. */
  toMeetP95(ms: number, options?: LatencyMatcherOptions): R
  /** 99th percentile latency at or below `ms`. */
  toMeetP99(ms: number, options?: LatencyMatcherOptions): R
  /** Latency at percentile `p` (0..100, decimals allowed: 99.9) at or below `ms`. */
  toMeetPercentile(p: number, ms: number, options?: LatencyMatcherOptions): R
  /** At least `percent` (0..100) of the requests succeeded. */
  toHaveSuccessRate(percent: number): R
  /** At least `rps` completed requests per second (a `LoadResult` only). */
  toSustainThroughput(rps: number): R
  /**
   * Every objective is met: a row (`{ p95: 300, successRate: 99.9 }`), a table from
   * `defineObjectives` (the row for the result's label), or k6-style strings.
   */
  toMeetObjectives(objectives: ObjectivesArgument, options?: LatencyMatcherOptions): R
  /**
   * No host resource (`cpu`, `memory`, `disk`; all measured ones unless `resources` names
   * some) reached `level` during the run. Needs the result's host summary.
   */
  toStayBelowResourceLevel(level: Exclude<ResourceLevel, 'normal'>, resources?: string[]): R
  /**
   * Not significantly slower than `baseline` by more than `tolerance` percent (default 5):
   * per-second latency compared with a Mann-Whitney test and a bootstrap interval.
   */
  toNotRegressFrom(baseline: LoadResult | readonly number[], options?: RegressionMatcherOptions): R
}

/** What `toMeetObjectives` accepts. */
export type ObjectivesArgument = ObjectiveRow | Objectives | ObjectiveRowInput

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must repeat Vitest's own declaration exactly
  interface Matchers<T = any> extends PerfMatchers<T> {}
}

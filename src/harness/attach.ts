import type { RunnerTestCase } from 'vitest'
import { logger } from '../config/logger.js'
import { answered } from '../slo/evaluate.js'
import {
  formatCount as count,
  formatMs as ms,
  formatPercent as percent,
  formatRate as rate,
} from '../slo/format.js'
import type { ComplianceRow, LoadResult, PerfMeta } from '../types.js'
import { currentTest, isRunning } from './current-test.js'

/**
 * The test's `meta.perf`, created on first use. Everything put here is plain JSON, since
 * meta travels from the worker to the reporter (and through `--merge-reports`) as JSON.
 */
export function perfMeta(test: RunnerTestCase): PerfMeta {
  test.meta.perf ??= { results: [], compliance: [] }
  return test.meta.perf
}

/**
 * Records compliance rows on a test (the running one by default) so the report shows
 * them pass or fail, even when the test stops at a later failed assertion. A row for the
 * same scenario, metric, comparator and target replaces the earlier one. Returns false
 * when there is no test to record on (outside Vitest), true otherwise.
 */
export function recordCompliance(
  rows: readonly ComplianceRow[],
  test: RunnerTestCase | undefined = currentTest(),
): boolean {
  if (!test) return false
  const compliance = perfMeta(test).compliance
  for (const row of rows) {
    // The same objective judged again (by `objectives` and then a matcher, say) keeps one
    // row, the latest, so the report does not count it twice.
    const same = compliance.findIndex(
      r =>
        r.scenario === row.scenario &&
        r.metric === row.metric &&
        r.comparator === row.comparator &&
        r.target === row.target,
    )
    if (same === -1) compliance.push({ ...row })
    else compliance[same] = { ...row }
  }
  return true
}

/** The test each attached result belongs to, for matchers called through the global `expect`. */
const owners = new WeakMap<object, RunnerTestCase>()

/**
 * The test a result was attached to while that test still runs, else undefined. The global
 * `expect` judges inside whichever test is current, which in `test.concurrent` tests after an
 * `await` may be a neighbour: a result's rows belong to the test that measured it.
 */
export function runningOwner(value: unknown): RunnerTestCase | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const owner = owners.get(value)
  return owner && isRunning(owner) ? owner : undefined
}

/**
 * Attaches a result to a test's meta and annotates the test with a one-line summary, shown
 * by `@vitest/ui` and the HTML reporter. A second scenario in the same test keeps its own
 * label: an existing label gets a ` #2`, ` #3` suffix. Returns the label used.
 */
export async function attachResult(
  result: LoadResult,
  test: RunnerTestCase | undefined = currentTest(),
): Promise<string | null> {
  if (!test) return null

  owners.set(result, test)
  const meta = perfMeta(test)
  const label = uniqueLabel(result.label, meta)
  meta.results.push(toPlainJson({ ...result, label }))

  await annotate(test, summaryLine({ ...result, label }))
  return label
}

/**
 * Adds a `vitest-perf` annotation to a running test (shown by `@vitest/ui` and the HTML
 * reporter, kept through `--merge-reports`). Does nothing once the test has finished.
 */
export async function annotate(test: RunnerTestCase, message: string): Promise<void> {
  if (!isRunning(test)) return
  try {
    await test.context.annotate(message, 'vitest-perf')
  } catch (error) {
    // Annotating is a courtesy: a runner without annotation support must not fail the run.
    logger().debug('could not annotate the test', { error: String(error) })
  }
}

/**
 * One line for a result: `GET /users: 12,345 req in 10 s (1,234.5 req/s), p50 9.8 ms,
 * p95 31.2 ms, p99 48.0 ms, 99.97% succeeded`; `calls` instead of `req` for `measure()`.
 */
export function summaryLine(result: LoadResult): string {
  const latency = result.model === 'open' && result.correctedLatencyMs
  const summary = latency ? result.correctedLatencyMs! : result.latencyMs
  const unit = result.target?.kind === 'function' ? 'calls' : 'req'
  const parts = [
    `${result.label}: ${count(result.requests.total)} ${unit} in ${seconds(result.durationMs)} (${rate(result.throughputRps)} ${unit}/s)`,
    // With no response the histogram's zeros measured nothing; a line of 0 ms would read as fast.
    answered(result) === 0
      ? 'no response, so no latency'
      : `p50 ${ms(summary.p50)} ms, p95 ${ms(summary.p95)} ms, p99 ${ms(summary.p99)} ms${latency ? ' (corrected)' : ''}`,
    `${percent(result.successRate)} succeeded`,
  ]
  if (result.requests.dropped) parts.push(`${count(result.requests.dropped)} dropped`)
  if (result.stopReason) parts.push(`stopped early: ${result.stopReason}`)
  return parts.join(', ')
}

function uniqueLabel(label: string, meta: PerfMeta): string {
  const taken = new Set(meta.results.map(r => r.label))
  if (!taken.has(label)) return label
  let n = 2
  while (taken.has(`${label} #${n}`)) n++
  return `${label} #${n}`
}

/** A deep copy through JSON: drops functions and undefined, turns any Date into a string. */
function toPlainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

const seconds = (durationMs: number) => `${Number((durationMs / 1000).toFixed(1))} s`

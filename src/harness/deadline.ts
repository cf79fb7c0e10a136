import type { RunnerTestCase } from 'vitest'
import { formatDuration } from '../config/duration.js'
import type { LoadResult } from '../types.js'

/** Share of the test's timeout kept for what follows the run (host summary, attach, matchers). */
const TIMEOUT_MARGIN = 0.05
const MIN_MARGIN_MS = 200
const MAX_MARGIN_MS = 2000

/** A timer that stops the run before its test times out. */
export interface Deadline {
  signal: AbortSignal
  clear(): void
  /** Why the test fails: the run was cut short, and what it measured is kept. */
  message(result: LoadResult): string
}

/**
 * Stops the run a margin before the test's timeout. A test that times out fails at once, but
 * its body runs on: the load would go on sending beside the next test, its result would
 * arrive after the report had taken the test's data, and the matchers after it would judge
 * inside the next test. Stopped first, the result is attached to its own test, which then
 * fails with a message saying why. The test's start counts its `beforeEach` hooks too, so the
 * stop comes early rather than late. Null when the test has no timeout.
 */
export function stopBeforeTimeout(test: RunnerTestCase): Deadline | null {
  const timeoutMs = test.timeout
  const startedAt = test.result?.startTime
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs) || startedAt === undefined) return null
  const margin = Math.min(MAX_MARGIN_MS, Math.max(MIN_MARGIN_MS, timeoutMs * TIMEOUT_MARGIN))
  const remaining = startedAt + timeoutMs - margin - Date.now()
  // Beyond a timer's range the test never times out in practice.
  if (remaining > 2 ** 31 - 1) return null
  const controller = new AbortController()
  const timeout = formatDuration(timeoutMs)
  const timer = setTimeout(
    () => controller.abort(new Error(`stopped before the test's ${timeout} timeout`)),
    Math.max(0, remaining),
  )
  return {
    signal: controller.signal,
    clear: () => clearTimeout(timer),
    message: result =>
      `${result.label}: stopped after ${formatDuration(result.durationMs)}, before the test's ` +
      `${timeout} timeout; what it measured is in the report. Give the test a longer timeout ` +
      "(test(name, { timeout }, fn), or a tag's) or the scenario a shorter duration.",
  }
}

/**
 * The run stops on the scenario's own signal, on the test's (aborted when it times out or the
 * run is cancelled) and at the deadline, whichever comes first.
 */
export function anySignal(
  own: AbortSignal | undefined,
  test: RunnerTestCase | undefined,
  deadline: Deadline | null,
): AbortSignal | undefined {
  const signals = [own, test?.context?.signal, deadline?.signal].filter(
    (signal): signal is AbortSignal => signal instanceof AbortSignal,
  )
  if (signals.length <= 1) return signals[0]
  return AbortSignal.any(signals)
}

import type { RunnerTestCase } from 'vitest'
import { formatDuration } from '../config/duration.js'
import { logger } from '../config/logger.js'
import type { HostRecorder, RecordHostOptions } from '../host/index.js'
import { recordHost, resolveHostOptions } from '../host/index.js'
import type { Scenario } from '../load/index.js'
import { runLoad, validateScenario } from '../load/index.js'
import { evaluate } from '../slo/evaluate.js'
import type { HostSummary, LoadResult } from '../types.js'
import { attachResult, recordCompliance } from './attach.js'
import { currentTest } from './current-test.js'

/**
 * A scenario as `load()` takes it: the engine's `Scenario` plus `host`, the host-resource
 * recorder's options, or `false` to run without it (default `true`: on, with its defaults).
 */
export type LoadOptions = Scenario & { host?: boolean | RecordHostOptions }

/**
 * Runs a load scenario and returns its result. In order: validates the scenario (throws
 * `PerfConfigError` before sending anything), runs the engine with the host recorder beside
 * it from the end of the warm-up (unless `host: false`), stops the recorder and puts its
 * summary on `result.host`. Inside a Vitest test it then attaches the result to the test's
 * `meta.perf.results` (plain JSON; a second scenario with the same label becomes `label #2`),
 * records the compliance rows of `objectives` if given, and annotates the test with a one-line
 * summary. Outside Vitest (a plain Node script) it only runs and returns.
 */
export function load(scenario: LoadOptions): Promise<LoadResult> {
  // Read the current test now: after the first await a concurrent test may have taken over.
  return loadInto(currentTest(), scenario)
}

/** `load()` for a given test (or none): what the `perfTest` fixture calls. */
export async function loadInto(
  test: RunnerTestCase | undefined,
  scenario: LoadOptions,
): Promise<LoadResult> {
  // Not an object: the engine's validation says so in its own words.
  if (typeof scenario !== 'object' || scenario === null) validateScenario(scenario)
  const { host, ...engineScenario } = scenario
  const { warmupMs } = validateScenario(engineScenario)
  const hostOptions = host === false ? null : host === true || host === undefined ? {} : host
  // Checked now, so a bad host option throws before anything is sent, like a bad scenario.
  if (hostOptions) resolveHostOptions(hostOptions)
  const recorder = hostOptions ? recordAfterWarmup(hostOptions, warmupMs) : null
  const deadline = test ? stopBeforeTimeout(test) : null

  let result: LoadResult
  try {
    result = await runLoad({
      ...engineScenario,
      signal: anySignal(engineScenario.signal, test, deadline),
    })
  } catch (error) {
    await stopQuietly(recorder)
    throw error
  } finally {
    deadline?.clear()
  }
  result.host = await stopQuietly(recorder)

  if (!test) return result

  // Judged before relabelling, so a table keyed by the scenario's own label finds its row.
  const rows =
    engineScenario.objectives === undefined ? [] : evaluate(result, engineScenario.objectives)
  const label = (await attachResult(result, test)) ?? result.label
  result.label = label
  recordCompliance(
    rows.map(row => ({ ...row, scenario: label })),
    test,
  )
  if (deadline?.signal.aborted) throw new Error(deadline.message(result))
  return result
}

/** Share of the test's timeout kept for what follows the run (host summary, attach, matchers). */
const TIMEOUT_MARGIN = 0.05
const MIN_MARGIN_MS = 200
const MAX_MARGIN_MS = 2000

/** A timer that stops the run before its test times out. */
interface Deadline {
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
function stopBeforeTimeout(test: RunnerTestCase): Deadline | null {
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
function anySignal(
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

/** A host recording that may not have started yet. */
interface PendingRecording {
  /** The summary, or null when the run ended before the recorder started. */
  stop(): Promise<HostSummary | null>
}

/**
 * Starts the host recorder when the warm-up ends: warm-up is left out of every statistic, the
 * host's figures included, or a cold start's CPU would count against the resource levels.
 */
function recordAfterWarmup(options: RecordHostOptions, warmupMs: number): PendingRecording {
  if (warmupMs <= 0) {
    const recorder = recordHost(options)
    return { stop: () => recorder.stop() }
  }
  let recorder: HostRecorder | null = null
  const timer = setTimeout(() => {
    recorder = recordHost(options)
  }, warmupMs)
  return {
    stop: async () => {
      clearTimeout(timer)
      return recorder ? recorder.stop() : null
    },
  }
}

/** Stops a recorder; a recorder failure never costs the user the load result. */
async function stopQuietly(recorder: PendingRecording | null): Promise<HostSummary | null> {
  if (!recorder) return null
  try {
    return await recorder.stop()
  } catch (error) {
    logger().warn('the host recorder failed to stop; the result has no host summary', {
      error: String(error),
    })
    return null
  }
}

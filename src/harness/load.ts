import type { RunnerTestCase } from 'vitest'
import { logger } from '../config/logger.js'
import { underName } from '../errors.js'
import type { HostRecorder, RecordHostOptions } from '../host/index.js'
import { recordHost, resolveHostOptions } from '../host/index.js'
import type { Scenario } from '../load/index.js'
import { runLoad, validateScenario } from '../load/index.js'
import { evaluate } from '../slo/evaluate.js'
import type { HostSummary, LoadResult } from '../types.js'
import { attachResult, recordCompliance } from './attach.js'
import { currentTest } from './current-test.js'
import { anySignal, stopBeforeTimeout } from './deadline.js'

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
  const test = currentTest()
  if (test?.concurrent) warnConcurrent(test)
  return loadInto(test, scenario)
}

/** Concurrent test files already warned about, so a file says it once. */
const warnedFiles = new Set<string>()

/**
 * In a `test.concurrent` test Vitest's current test is only that test until its first await;
 * after one, `load()` may attach the result to a neighbour, and nothing would show it.
 */
function warnConcurrent(test: RunnerTestCase): void {
  const file = test.file?.filepath ?? test.id
  if (warnedFiles.has(file)) return
  warnedFiles.add(file)
  logger().warn(
    `load() in the concurrent test "${test.name}": after an await, its result may be attached ` +
      'to another test running beside it; use perfTest.concurrent, whose load is bound to its ' +
      'own test',
  )
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
  // Checked now, so a bad host option throws before anything is sent, like a bad scenario,
  // and named as the user wrote it in the scenario: `host.intervalMs`.
  if (hostOptions)
    underName(
      () => resolveHostOptions(hostOptions),
      option => `host.${option}`,
    )
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

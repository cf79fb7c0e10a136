import type { RunnerTestCase } from 'vitest'
import type { LoadResult } from '../types.js'
import { attachResult } from './attach.js'
import { currentTest } from './current-test.js'
import { anySignal, stopBeforeTimeout } from './deadline.js'
import { type MeasureOptions, measure as measureFunction } from './measure.js'

/**
 * Measures in-process work (see the engine's `measure`: calls `fn` for `iterations` or
 * `duration` and returns a `LoadResult` with target `{ kind: 'function' }`). Inside a Vitest
 * test the result is attached to the test and annotated, exactly as `load()` does, so the
 * report lists it with the HTTP scenarios, and stopped before the test's timeout as `load()`
 * is. Outside Vitest it only measures.
 */
export function measure(
  fn: (index: number) => unknown,
  options?: MeasureOptions,
): Promise<LoadResult> {
  // Read the current test now: after the first await a concurrent test may have taken over.
  return measureInto(currentTest(), fn, options)
}

/** `measure()` for a given test (or none): what the `perfTest` fixture calls. */
export async function measureInto(
  test: RunnerTestCase | undefined,
  fn: (index: number) => unknown,
  options?: MeasureOptions,
): Promise<LoadResult> {
  const deadline = test ? stopBeforeTimeout(test) : null
  const signal = anySignal(options?.signal, test, deadline)
  let result: LoadResult
  try {
    result = await measureFunction(fn, signal ? { ...options, signal } : options)
  } finally {
    deadline?.clear()
  }
  if (!test) return result
  result.label = (await attachResult(result, test)) ?? result.label
  if (deadline?.signal.aborted) throw new Error(deadline.message(result))
  return result
}

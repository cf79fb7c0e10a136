import type { RunnerTestCase } from 'vitest'
import type { LoadResult } from '../types.js'
import { attachResult } from './attach.js'
import { currentTest } from './current-test.js'
import { type MeasureOptions, measure as measureFunction } from './measure.js'

/**
 * Measures in-process work (see the engine's `measure`: calls `fn` for `iterations` or
 * `duration` and returns a `LoadResult` with target `{ kind: 'function' }`). Inside a Vitest
 * test the result is attached to the test and annotated, exactly as `load()` does, so the
 * report lists it with the HTTP scenarios. Outside Vitest it only measures.
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
  const result = await measureFunction(fn, options)
  if (!test) return result
  result.label = (await attachResult(result, test)) ?? result.label
  return result
}

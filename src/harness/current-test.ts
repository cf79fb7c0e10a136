import type { RunnerTestCase } from 'vitest'

type VitestModule = typeof import('vitest')

/**
 * Vitest, when this module runs inside a Vitest worker (which sets `VITEST`), else null.
 * Outside Vitest nothing is imported, so `load()` works in a plain Node script and in
 * projects that do not install Vitest at all. Imported once, up front, so the lookups
 * below stay synchronous: a test is only "current" until its first concurrent neighbour
 * resumes, so it must be read before any await.
 */
const vitest: VitestModule | null = process.env.VITEST ? await importVitest() : null

/**
 * The Vitest test running now, or undefined outside a test (a plain script, a hook, a
 * collection phase). With `test.concurrent` the answer is only reliable before the test's
 * first await; the `perfTest` fixture passes its own test instead.
 */
export function currentTest(): RunnerTestCase | undefined {
  const test = vitest?.TestRunner.getCurrentTest()
  return test?.type === 'test' ? test : undefined
}

/** Vitest's module inside a Vitest worker, else null. */
export function vitestModule(): VitestModule | null {
  return vitest
}

/** Whether a test is still running, so annotating it is allowed. */
export function isRunning(test: RunnerTestCase): boolean {
  return !test.result || test.result.state === 'run'
}

async function importVitest(): Promise<VitestModule | null> {
  try {
    return await import('vitest')
  } catch {
    return null
  }
}

import type { TestAPI } from 'vitest'
import type { LoadResult } from '../types.js'
import { type CapacityOptions, type CapacityResult, findCapacityInto } from './capacity.js'
import { vitestModule } from './current-test.js'
import { type LoadOptions, loadInto } from './load.js'
import type { MeasureOptions } from './measure.js'
import { measureInto } from './measure-in-test.js'

/** What `perfTest` adds to a test's context. */
export interface PerfFixtures {
  /**
   * `load()` bound to this test: its result attaches to this test even when tests run
   * concurrently (where the global `load()` can only guess the current test).
   */
  load: (scenario: LoadOptions) => Promise<LoadResult>
  /** `measure()` bound to this test. */
  measure: (fn: (index: number) => unknown, options?: MeasureOptions) => Promise<LoadResult>
  /** `findCapacity()` bound to this test. */
  findCapacity: (options: CapacityOptions) => Promise<CapacityResult>
}

/**
 * A Vitest `test` with the `load` fixture: `perfTest('GET /users', async ({ load }) => {
 * const result = await load({ url, duration: '10s' }); expect(result).toMeetP95(300) })`.
 * Everything `test` has works (`perfTest.skip`, `.concurrent`, `.extend`, tags in options).
 *
 * Vitest's `test.extend` needs a running test collector, and this module is also imported
 * where there is none (a config file importing `perfTags` from the package root, a plain
 * Node script, where Vitest need not even be installed), so the extended test is built on
 * first use, from the Vitest the worker already loaded.
 */
export const perfTest: TestAPI<PerfFixtures> = lazy(() =>
  vitestTest().extend<PerfFixtures>({
    load: async ({ task }, use) => {
      await use(scenario => loadInto(task, scenario))
    },
    measure: async ({ task }, use) => {
      await use((fn, options) => measureInto(task, fn, options))
    },
    findCapacity: async ({ task }, use) => {
      await use(options => findCapacityInto(task, options))
    },
  }),
)

function vitestTest(): TestAPI {
  const vitest = vitestModule()
  if (!vitest) throw new Error('perfTest defines Vitest tests: use it in a test file run by Vitest')
  return vitest.test
}

/** A stand-in for a function-with-properties that is only built when first touched. */
function lazy<T extends object>(build: () => T): T {
  let real: T | undefined
  const get = () => {
    real ??= build()
    return real
  }
  const proxy: T = new Proxy(function perfTest() {} as unknown as T, {
    apply: (_target, _this, args) => Reflect.apply(get() as never, get(), args),
    get: (_target, prop) => {
      const value = Reflect.get(get(), prop, get())
      if (typeof value !== 'function') return value
      // Methods such as `extend` read their chain from `this`: call them on the real one.
      return new Proxy(value, {
        apply: (fn, self, args) => Reflect.apply(fn, self === proxy ? get() : self, args),
      })
    },
    has: (_target, prop) => Reflect.has(get(), prop),
  })
  return proxy
}

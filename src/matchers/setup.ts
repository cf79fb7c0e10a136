// The matchers setup file: `setupFiles: ['vitest-perf/matchers']`. Filled in by the matchers work.
export {}

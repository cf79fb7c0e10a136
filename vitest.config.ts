import { defineConfig } from 'vitest/config'
import { perfTags } from './src/harness/tags.js'

// The tags (`performance`, `api_performance`, `load`, `stress`, `endurance`, `smoke`) come
// from the package, each with its timeout: `vitest --project perf --tags-filter=load`, or
// `--tags-filter='load && !endurance'`. A consumer writes the same `tags: [...perfTags]`.
export default defineConfig({
  test: {
    tags: [...perfTags],
    // The compliance reporter reads every test's `meta.perf` at the end of the run and writes
    // reports/perf-report.json and reports/perf-report.html.
    reporters: ['default', './reporters/index.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          setupFiles: ['./src/matchers/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          strictTags: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'perf',
          include: ['perf/**/*.perf.ts'],
          setupFiles: ['./src/matchers/setup.ts'],
          globalSetup: ['./perf/global-setup.ts'],
          fileParallelism: false,
          strictTags: false,
        },
      },
    ],
  },
})

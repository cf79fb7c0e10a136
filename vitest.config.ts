import { defineConfig } from 'vitest/config'
import { perfTags } from './src/harness/tags.js'

export default defineConfig({
  test: {
    tags: perfTags,
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

import type { TestTagDefinition } from 'vitest/config'

/**
 * The tags scenarios carry, each with a timeout fit for it (ms): smoke 30 s, api_performance
 * 60 s, performance 2 min, load 3 min, stress 5 min, endurance 24 h. Spread them into a
 * Vitest config's `test.tags` (`tags: [...perfTags]`) so `--tags-filter=load` and
 * `--tags-filter='load && !endurance'` work. When a test carries several tags, the longer
 * run's timeout wins (Vitest applies the lowest `priority` number first).
 */
export const perfTags = [
  {
    name: 'performance',
    description: 'Every performance scenario',
    timeout: 120_000,
    priority: 5,
  },
  {
    name: 'api_performance',
    description: 'Each endpoint at light load against its objectives',
    timeout: 60_000,
    priority: 4,
  },
  {
    name: 'load',
    description: 'Sustained throughput at the rate the service must carry',
    timeout: 180_000,
    priority: 3,
  },
  {
    name: 'stress',
    description: 'Ramping arrival rate until the objectives break',
    timeout: 300_000,
    priority: 2,
  },
  {
    name: 'endurance',
    description: 'A soak: latency and memory drift over a long run',
    timeout: 24 * 3_600_000,
    priority: 1,
  },
  {
    name: 'smoke',
    description: 'A few seconds against each endpoint',
    timeout: 30_000,
    priority: 6,
  },
] satisfies TestTagDefinition[]

import type { TestTagDefinition } from 'vitest/config'

/**
 * The tags scenarios carry, with a timeout fit for each. Spread them into a Vitest
 * config's `test.tags` (`tags: [...perfTags]`) so `--tags-filter=load` works.
 */
export const perfTags = [
  { name: 'performance', description: 'Every performance scenario', timeout: 120_000 },
  {
    name: 'api_performance',
    description: 'Each endpoint at light load against its objectives',
    timeout: 60_000,
  },
  {
    name: 'load',
    description: 'Sustained throughput at the rate the service must carry',
    timeout: 180_000,
  },
  {
    name: 'stress',
    description: 'Ramping arrival rate until the objectives break',
    timeout: 300_000,
  },
  {
    name: 'endurance',
    description: 'A soak: latency and memory drift over a long run',
    timeout: 24 * 3_600_000,
  },
  { name: 'smoke', description: 'A few seconds against each endpoint', timeout: 30_000 },
] satisfies TestTagDefinition[]

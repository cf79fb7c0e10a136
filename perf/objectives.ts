import { defineObjectives, validateLevels } from '../src/index.js'

/**
 * The service's benchmark table: each endpoint's latency budgets (ms) and success floor
 * (percent). Scenario labels are these keys, so `toMeetObjectives(objectives)` picks the row
 * of the endpoint a result measured.
 */
export const objectives = defineObjectives({
  'GET /health': { p50: 10, p95: 25, p99: 50, successRate: 99.95 },
  'GET /api/v1/system/status': { p50: 50, p95: 150, p99: 300, successRate: 99.9 },
  'POST /api/v1/coordinator/think': { p50: 500, p95: 2000, p99: 5000, successRate: 95.0 },
  'POST /api/v1/vectors/search': { p50: 100, p95: 300, p99: 600, successRate: 98.0 },
})

/** An endpoint's label: a key of the benchmark table. */
export type EndpointLabel = keyof typeof objectives

/**
 * The service's resource levels, percent: CPU normal below 40, warning at 70, critical at 85;
 * memory 60 / 75 / 90; disk 70 / 80 / 95 (the library's defaults, written out because they
 * are part of the service's objectives).
 */
export const resourceLevels = validateLevels({
  cpu: { normal: 40, warning: 70, critical: 85 },
  memory: { normal: 60, warning: 75, critical: 90 },
  disk: { normal: 70, warning: 80, critical: 95 },
})

/**
 * The resources scenarios hold below `critical`. Whole-host CPU is recorded and reported but
 * not asserted: on one machine the load generator shares the cores with the service, so the
 * host's CPU measures the generator as much as the service.
 */
export const assertedResources = ['memory', 'disk'] as const

/**
 * The arrival rates the service must carry at once, requests per second (the `load`
 * scenario's mix). `think` carries 75 req/s, the throughput of its stricter objective.
 */
export const requiredRates: Record<EndpointLabel, number> = {
  'GET /health': 100,
  'GET /api/v1/system/status': 50,
  'POST /api/v1/coordinator/think': 75,
  'POST /api/v1/vectors/search': 100,
}

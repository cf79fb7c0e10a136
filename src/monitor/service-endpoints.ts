import type { MonitorEndpoint } from './types.js'

/**
 * The service's four endpoints with its objectives (p50/p95/p99 budgets in ms, availability
 * as its success floor in percent): what `npm run monitor` probes when no config names
 * endpoints. The same table as the perf suite's objectives.
 */
export const SERVICE_ENDPOINTS: readonly MonitorEndpoint[] = [
  {
    name: 'health',
    method: 'GET',
    path: '/health',
    objectives: { p50: 10, p95: 25, p99: 50, availability: 99.95 },
  },
  {
    name: 'system_status',
    method: 'GET',
    path: '/api/v1/system/status',
    objectives: { p50: 50, p95: 150, p99: 300, availability: 99.9 },
  },
  {
    name: 'coordinator_think',
    method: 'POST',
    path: '/api/v1/coordinator/think',
    body: { prompt: 'monitor probe: summarise the system state', max_steps: 2 },
    objectives: { p50: 500, p95: 2000, p99: 5000, availability: 95 },
  },
  {
    name: 'vectors_search',
    method: 'POST',
    path: '/api/v1/vectors/search',
    body: { query: 'monitor probe', top_k: 5 },
    objectives: { p50: 100, p95: 300, p99: 600, availability: 98 },
  },
]

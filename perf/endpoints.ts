import type { RequestSpec } from '../src/index.js'
import type { EndpointLabel } from './objectives.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

const PROMPTS = [
  'Summarise the open incidents and propose an order to work on them',
  'Plan a rollout of the new vector index to three regions',
  'Which service should scale first if traffic doubles tonight?',
  'Draft the steps to rotate the API keys without downtime',
]

const QUERIES = [
  'latency budget for search',
  'how to rotate credentials',
  'incident runbook database failover',
  'capacity planning for the coordinator',
]

/**
 * The requests each endpoint is measured with. POST endpoints vary their bodies round-robin,
 * as real traffic does, so a cache keyed on the body cannot flatter the figures.
 */
export const endpointRequests: Record<EndpointLabel, RequestSpec[]> = {
  'GET /health': [{ method: 'GET', url: '/health' }],
  'GET /api/v1/system/status': [{ method: 'GET', url: '/api/v1/system/status' }],
  'POST /api/v1/coordinator/think': PROMPTS.map(prompt => ({
    method: 'POST',
    url: '/api/v1/coordinator/think',
    headers: JSON_HEADERS,
    body: JSON.stringify({ prompt, max_steps: 3 }),
  })),
  'POST /api/v1/vectors/search': QUERIES.map((query, i) => ({
    method: 'POST',
    url: '/api/v1/vectors/search',
    headers: JSON_HEADERS,
    body: JSON.stringify({ query, top_k: 5 + i }),
  })),
}

/** The four labels in the order of the benchmark table. */
export const endpointLabels = Object.keys(endpointRequests) as EndpointLabel[]

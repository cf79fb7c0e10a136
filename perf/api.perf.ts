import { describe, expect, test } from 'vitest'
import { load } from '../src/index.js'
import { endpointLabels } from './endpoints.js'
import type { EndpointLabel } from './objectives.js'
import { assertedResources, objectives } from './objectives.js'
import { endpointScenario } from './target.js'

/** Light load per endpoint, requests per second: a fraction of what `load` asks for. */
const LIGHT_RATES: Record<EndpointLabel, number> = {
  'GET /health': 50,
  'GET /api/v1/system/status': 20,
  'POST /api/v1/coordinator/think': 10,
  'POST /api/v1/vectors/search': 20,
}

/**
 * API performance: each endpoint alone at a light, constant arrival rate for 5 s (after 1 s of
 * warm-up), judged on its row of the benchmark table. The open model is judged on corrected
 * latency, so a stall cannot hide behind a slow response.
 */
describe('api performance', { tags: ['performance', 'api_performance'] }, () => {
  test.for(endpointLabels)('%s meets its objectives at light load', async label => {
    const result = await load(
      endpointScenario(label, { rate: LIGHT_RATES[label], duration: '5s', warmup: '1s' }),
    )

    expect(result.requests.dropped).toBe(0)
    expect(result).toMeetObjectives(objectives)
    expect(result).toStayBelowResourceLevel('critical', [...assertedResources])
  })
})

import { describe, expect, test } from 'vitest'
import { findCapacity } from '../src/index.js'
import { objectives, requiredRates } from './objectives.js'
import { endpointScenario } from './target.js'

const LABEL = 'POST /api/v1/vectors/search'

/**
 * Stress: raises the arrival rate on vector search step by step (200, 500, 800, 1,100,
 * 1,400 req/s; 1 s warm-up and 3 s measured at each) until its row of the benchmark table
 * breaks, and reports the capacity: the highest rate that still met every objective. The
 * service must at least carry the rate the `load` scenario asks of it.
 */
describe('stress', { tags: ['performance', 'stress'] }, () => {
  test('vector search capacity: the highest arrival rate that meets its objectives', async () => {
    const { duration: _duration, ...scenario } = endpointScenario(LABEL, { warmup: '1s' })
    const capacity = await findCapacity({
      scenario,
      objectives,
      from: 200,
      to: 1400,
      step: 300,
      stepDuration: '3s',
    })

    expect(capacity.steps.length).toBeGreaterThan(0)
    expect(capacity.capacityRps ?? 0).toBeGreaterThanOrEqual(requiredRates[LABEL])
  })
})

import { describe, expect, test } from 'vitest'
import { capacityLine, findCapacity, recordCompliance } from '../src/index.js'
import { objectives, requiredRates } from './objectives.js'
import { endpointScenario } from './target.js'

const LABEL = 'POST /api/v1/vectors/search'

/**
 * Stress: raises the arrival rate on vector search from 200 req/s in steps of 300 (1 s
 * warm-up and 3 s measured at each rate) until its row of the benchmark table breaks, and
 * reports the capacity: the highest rate that still met every objective, with what broke at
 * the next. The test fails only when the capacity is below the rate the `load` scenario asks
 * of the service.
 */
describe('stress', { tags: ['performance', 'stress'] }, () => {
  test('vector search capacity: the highest arrival rate that meets its objectives', async () => {
    const found = await findCapacity({
      scenario: endpointScenario(LABEL, { warmup: '1s' }),
      objectives,
      from: 200,
      to: 1400,
      step: 300,
      stepDuration: '3s',
    })

    const required = requiredRates[LABEL]
    const capacityStep = found.steps.find(step => step.rate === found.capacityRps)
    recordCompliance([
      {
        scenario: capacityStep?.result.label ?? LABEL,
        metric: 'capacity',
        target: required,
        actual: found.capacityRps,
        unit: 'req/s',
        comparator: '>=',
        passed: (found.capacityRps ?? 0) >= required,
      },
    ])
    expect(found.capacityRps ?? 0, capacityLine(found)).toBeGreaterThanOrEqual(required)
  })
})

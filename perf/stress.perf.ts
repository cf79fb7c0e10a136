import { describe, expect, test } from 'vitest'
import { recordCompliance } from '../src/index.js'
import { describeCapacity, stepUpCapacity } from './capacity.js'
import { objectives, requiredRates } from './objectives.js'
import { endpointScenario } from './target.js'

const LABEL = 'POST /api/v1/vectors/search'

/** Arrival rates tried in turn, requests per second. */
const RATES = [200, 500, 800, 1100, 1400]

/**
 * Stress: raises the arrival rate on vector search step by step (1 s warm-up and 3 s measured
 * at each rate) until its row of the benchmark table breaks, and reports the capacity: the
 * highest rate that still met every objective, with what broke at the next. The test fails
 * only when the capacity is below the rate the `load` scenario asks of the service.
 */
describe('stress', { tags: ['performance', 'stress'] }, () => {
  test('vector search capacity: the highest arrival rate that meets its objectives', async ({
    annotate,
  }) => {
    const found = await stepUpCapacity({
      label: LABEL,
      rates: RATES,
      objectives,
      scenarioAt: rate =>
        endpointScenario(LABEL, {
          name: `${LABEL} @ ${rate} req/s`,
          rate,
          duration: '3s',
          warmup: '1s',
        }),
    })
    await annotate(describeCapacity(LABEL, found), 'capacity')

    const required = requiredRates[LABEL]
    if (found.capacity) {
      recordCompliance([
        ...found.capacity.rows,
        {
          scenario: found.capacity.result.label,
          metric: 'capacity',
          target: required,
          actual: found.capacityRps,
          unit: 'req/s',
          comparator: '>=',
          passed: (found.capacityRps ?? 0) >= required,
        },
      ])
    }
    expect(found.capacityRps ?? 0, describeCapacity(LABEL, found)).toBeGreaterThanOrEqual(required)
  })
})

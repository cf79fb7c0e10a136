import { describe, expect, test } from 'vitest'
import { load } from '../src/index.js'
import { endpointLabels } from './endpoints.js'
import { assertedResources, objectives, requiredRates } from './objectives.js'
import { endpointScenario } from './target.js'

/** How much of the arrival rate must complete, as a share: the rest is lost or late. */
const THROUGHPUT_SHARE = 0.95

/**
 * Load: the four endpoints at once, each at the arrival rate the service must carry
 * (`requiredRates`), for 15 s after 2 s of warm-up. Every endpoint must meet its row and
 * complete at least 95% of its arrival rate.
 */
describe('load', { tags: ['performance', 'load'] }, () => {
  test('the service carries its required mix of traffic within its objectives', async () => {
    const results = await Promise.all(
      endpointLabels.map((label, i) =>
        load(
          endpointScenario(label, {
            rate: requiredRates[label],
            duration: '15s',
            warmup: '2s',
            // One recorder for the whole mix: four would sample the same host four times.
            ...(i === 0 ? {} : { host: false }),
          }),
        ),
      ),
    )

    for (const [i, result] of results.entries()) {
      const label = endpointLabels[i]!
      expect.soft(result).toMeetObjectives(objectives)
      expect.soft(result).toSustainThroughput(requiredRates[label] * THROUGHPUT_SHARE)
    }
    expect(results[0]).toStayBelowResourceLevel('critical', [...assertedResources])
  })
})

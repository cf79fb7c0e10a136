import { describe, expect, test } from 'vitest'
import { load } from '../src/index.js'
import { endpointLabels } from './endpoints.js'
import { objectives } from './objectives.js'
import { endpointScenario } from './target.js'

/**
 * Smoke: two seconds against each endpoint with two connections, judged on its row of the
 * benchmark table. Seconds long, so it runs on every change (and in this repo's own tests).
 */
describe('smoke', { tags: ['performance', 'smoke'] }, () => {
  test.for(endpointLabels)('%s answers within its objectives', async label => {
    const result = await load(endpointScenario(label, { connections: 2, duration: '2s' }))

    expect(result.requests.total).toBeGreaterThan(0)
    expect(result).toMeetObjectives(objectives)
  })
})

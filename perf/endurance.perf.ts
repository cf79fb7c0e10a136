import { describe, expect, inject, test } from 'vitest'
import { loadEnv } from '../src/config/env.js'
import { load, parseEnvDuration, recordCompliance } from '../src/index.js'
import { describeDrift, driftRows, measureDrift } from './drift.js'
import { endpointLabels } from './endpoints.js'
import type { EndpointLabel } from './objectives.js'
import { assertedResources, objectives } from './objectives.js'
import { endpointScenario } from './target.js'

loadEnv()

/** The soak's length: `PERF_ENDURANCE_DURATION` (`'10m'`, `'2h'`), default 60 s. */
const DURATION_MS = parseEnvDuration(
  process.env.PERF_ENDURANCE_DURATION?.trim() || '60s',
  'PERF_ENDURANCE_DURATION',
)

/** A steady, moderate mix, requests per second: what the service sees on an ordinary day. */
const SOAK_RATES: Record<EndpointLabel, number> = {
  'GET /health': 20,
  'GET /api/v1/system/status': 10,
  'POST /api/v1/coordinator/think': 10,
  'POST /api/v1/vectors/search': 20,
}

/**
 * Endurance: the four endpoints at a steady mix for `PERF_ENDURANCE_DURATION` (60 s by
 * default). Besides the objectives, it reports drift from the start of the soak to its end:
 * each endpoint's p95 may rise by at most a quarter of its p95 budget, and the service's
 * memory (when this run started it) by at most 50 MB.
 */
describe('endurance', { tags: ['performance', 'endurance'] }, () => {
  test('the service holds its objectives, latency and memory over a soak', {
    timeout: DURATION_MS + 120_000,
  }, async ({ annotate }) => {
    const results = await Promise.all(
      endpointLabels.map((label, i) =>
        load(
          endpointScenario(label, {
            rate: SOAK_RATES[label],
            duration: DURATION_MS,
            warmup: '2s',
            ...(i === 0 ? {} : { host: false }),
          }),
        ),
      ),
    )

    const host = results[0]?.host ?? null
    const drift = measureDrift(results, host, inject('servicePid'))
    const rows = driftRows(drift, label => objectives[label as EndpointLabel]?.p95 ?? 0, {
      latencyShare: 0.25,
      rssGrowthMb: 50,
    })
    recordCompliance(rows)
    await annotate(describeDrift(drift), 'drift')

    for (const result of results) expect.soft(result).toMeetObjectives(objectives)
    expect(results[0]).toStayBelowResourceLevel('critical', [...assertedResources])
    for (const row of rows) {
      expect
        .soft(row.actual, `${row.scenario} ${row.metric} (${row.unit})`)
        .toBeLessThanOrEqual(row.target)
    }
  })
})

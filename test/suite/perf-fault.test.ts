import { afterEach, expect, test } from 'vitest'
import type { PerfRun } from './run-perf.js'
import { runPerf } from './run-perf.js'

let run: PerfRun | undefined

afterEach(async () => {
  await run?.cleanup()
  run = undefined
})

test('an injected fault fails the run and the report shows which objectives failed and by how much', async () => {
  run = await runPerf(['--tags-filter=smoke'], {
    PERF_FIXTURE_FAULTS: 'health:slow=60,search:error=0.1',
  })

  expect(run.code, run.output).not.toBe(0)
  // The console says it too: each failed objective with its target and the measured value.
  expect(run.output).toMatch(/✗ p50 ≤ 10 ms: measured (6\d|[7-9]\d|\d{3,})(\.\d+)? ms/)
  expect(run.output).toMatch(/✗ successRate ≥ 98%: measured (8\d|9[0-4])(\.\d+)?%/)
  const report = run.report()
  expect(report, 'perf-report.json was written').not.toBeNull()
  const byLabel = new Map(report!.scenarios.map(scenario => [scenario.label, scenario]))

  const health = byLabel.get('GET /health')!
  expect(health.state).toBe('failed')
  const failedHealth = health.compliance.filter(row => !row.passed)
  expect(failedHealth.map(row => row.metric).sort()).toEqual(['p50', 'p95', 'p99'])
  for (const row of failedHealth) {
    expect(row.actual).toBeGreaterThanOrEqual(60)
    expect(row.target).toBeLessThanOrEqual(50)
  }
  expect(health.compliance.find(row => row.metric === 'successRate')?.passed).toBe(true)

  const search = byLabel.get('POST /api/v1/vectors/search')!
  expect(search.state).toBe('failed')
  const success = search.compliance.find(row => row.metric === 'successRate')!
  expect(success).toMatchObject({ target: 98, passed: false })
  expect(success.actual).toBeGreaterThan(85)
  expect(success.actual).toBeLessThan(95)

  expect(byLabel.get('GET /api/v1/system/status')?.state).toBe('passed')
  expect(byLabel.get('POST /api/v1/coordinator/think')?.state).toBe('passed')
})

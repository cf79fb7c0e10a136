import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import type { PerfRun } from './run-perf.js'
import { runPerf } from './run-perf.js'

const LABELS = [
  'GET /health',
  'GET /api/v1/system/status',
  'POST /api/v1/coordinator/think',
  'POST /api/v1/vectors/search',
]

let run: PerfRun | undefined

afterEach(async () => {
  await run?.cleanup()
  run = undefined
})

test('the smoke scenarios pass against the bundled fixture service and write the report', async () => {
  run = await runPerf(['--tags-filter=smoke'])

  expect(run.code, run.output).toBe(0)
  const report = run.report()
  expect(report, 'perf-report.json was written').not.toBeNull()
  expect(existsSync(join(run.dir, 'reports', 'perf-report.html'))).toBe(true)
  expect(report!.environment.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

  const smoke = report!.scenarios.filter(scenario => scenario.tags.includes('smoke'))
  expect(smoke.map(scenario => scenario.label).sort()).toEqual([...LABELS].sort())
  for (const scenario of smoke) {
    expect(scenario.state).toBe('passed')
    expect(scenario.requests.total).toBeGreaterThan(0)
    expect(scenario.compliance.map(row => row.metric)).toEqual(
      expect.arrayContaining(['p50', 'p95', 'p99', 'successRate']),
    )
    expect(scenario.compliance.every(row => row.passed)).toBe(true)
  }
})

import { afterAll, beforeAll, expect, test } from 'vitest'
import type { StaticNginx } from './nginx.js'
import { startStaticNginx } from './nginx.js'
import { runPerf } from './run-perf.js'

let nginx: StaticNginx

beforeAll(async () => {
  nginx = await startStaticNginx()
})

afterAll(async () => {
  await nginx?.stop()
})

test('the smoke scenarios run through PERF_BASE_URL against nginx serving the four paths', async () => {
  const run = await runPerf(['--tags-filter=smoke'], { PERF_BASE_URL: nginx.url })
  try {
    expect(run.code, run.output).toBe(0)
    const report = run.report()
    expect(report).not.toBeNull()
    expect(report!.environment.baseUrl).toBe(nginx.url)

    const smoke = report!.scenarios.filter(scenario => scenario.tags.includes('smoke'))
    expect(smoke).toHaveLength(4)
    for (const scenario of smoke) {
      expect(scenario.state).toBe('passed')
      expect(scenario.statusCodes['200']).toBe(scenario.requests.total)
      expect(scenario.requests.total).toBeGreaterThan(100)
      expect(scenario.target).toMatchObject({ url: expect.stringContaining(nginx.url) })
    }
  } finally {
    await run.cleanup()
  }
})

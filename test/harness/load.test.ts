import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import { PerfConfigError } from '../../src/errors.js'
import { load, perfTest } from '../../src/harness/index.js'
import { startDelayServer, type TestServer } from '../support/servers.js'

let server: TestServer

beforeAll(async () => {
  server = await startDelayServer(2)
})
afterAll(async () => {
  await server.close()
})

describe('load() inside a test', () => {
  it('attaches the result to the test meta as plain JSON and annotates the test', async ({
    task,
  }) => {
    const result = await load({
      url: `${server.url}/users`,
      connections: 2,
      iterations: 40,
      host: false,
    })

    expect(result.requests.total).toBe(40)
    expect(result.host).toBeNull()
    // A percentile outside the summary is read from the engine's encoded histogram.
    expect(result).toMeetPercentile(97.5, 60_000)
    expect(() => expect(result).toMeetPercentile(97.5, 0)).toThrow(
      /^expected p97.5 latency ≤ 0 ms, measured (?!0\.0 )\d+\.\d ms/,
    )
    const meta = task.meta.perf
    expect(meta?.results).toHaveLength(1)
    expect(meta?.results[0]?.label).toBe(result.label)
    expect(meta?.results[0]?.requests.total).toBe(40)
    // Plain JSON: survives a JSON round trip unchanged (what blob and merge-reports do).
    expect(JSON.parse(JSON.stringify(meta))).toEqual(meta)

    const annotation = task.annotations.at(-1)
    expect(annotation?.type).toBe('vitest-perf')
    expect(annotation?.message).toMatch(
      new RegExp(
        `^${escapeRegExp(result.label)}: 40 req in [\\d.]+ s \\([\\d.,]+ req/s\\), p50 [\\d.]+ ms, p95 [\\d.]+ ms, p99 [\\d.]+ ms, 100% succeeded$`,
      ),
    )
  })

  it('keeps each scenario of a test under its own label', async ({ task }) => {
    const users = await load({
      name: 'users',
      url: `${server.url}/users`,
      iterations: 10,
      host: false,
    })
    const again = await load({
      name: 'users',
      url: `${server.url}/users`,
      iterations: 10,
      host: false,
    })
    const health = await load({ url: `${server.url}/health`, iterations: 10, host: false })

    expect([users.label, again.label]).toEqual(['users', 'users #2'])
    expect(task.meta.perf?.results.map(r => r.label)).toEqual(['users', 'users #2', health.label])
    expect(health.label).toContain('/health')
    expect(task.annotations.filter(a => a.type === 'vitest-perf')).toHaveLength(3)
  })

  it('records the compliance rows of its objectives, pass or fail', async ({ task }) => {
    const result = await load({
      name: 'judged',
      url: `${server.url}/`,
      iterations: 30,
      objectives: { p99: 5_000, successRate: 99, throughput: 1_000_000 },
      host: false,
    })
    expect(result.successRate).toBe(100)
    expect(task.meta.perf?.compliance.map(r => [r.scenario, r.metric, r.passed])).toEqual([
      ['judged', 'p99', true],
      ['judged', 'successRate', true],
      ['judged', 'throughput', false],
    ])

    // The same objective asserted by a matcher keeps one row, the latest.
    expect(result).toMeetP99(5_000)
    expect(task.meta.perf?.compliance.filter(r => r.metric === 'p99')).toHaveLength(1)
  })

  it('stops early with abortOnFail and says why in the result and the annotation', async ({
    task,
  }) => {
    const slow = await startDelayServer(150)
    try {
      const result = await load({
        name: 'slow',
        url: `${slow.url}/`,
        connections: 2,
        duration: '20s',
        objectives: { p95: 50 },
        abortOnFail: { after: '1s', window: '1s' },
        host: false,
      })
      expect(result.aborted).toBe(true)
      expect(result.stopReason).toMatch(/p95/)
      expect(result.durationMs).toBeLessThan(10_000)
      expect(task.meta.perf?.compliance).toEqual([
        expect.objectContaining({ scenario: 'slow', metric: 'p95', passed: false }),
      ])
      expect(task.annotations.at(-1)?.message).toMatch(/stopped early: .*p95/)
    } finally {
      await slow.close()
    }
  })

  it('runs the host recorder around the run by default', async () => {
    const result = await load({
      url: `${server.url}/`,
      duration: '1200ms',
      connections: 1,
      host: { intervalMs: 200 },
    })
    expect(result.host).not.toBeNull()
    expect(result.host?.sampleCount).toBeGreaterThanOrEqual(3)
    expect(result.host?.intervalMs).toBe(200)
  })

  it('leaves the warm-up out of the host figures: the recorder starts when it ends', async () => {
    const sampledAt: number[] = []
    const result = await load({
      url: `${server.url}/`,
      warmup: '800ms',
      duration: '400ms',
      connections: 1,
      host: { intervalMs: 100, onSample: () => sampledAt.push(Date.now()) },
    })
    const measuredFrom = Date.parse(result.startedAt)
    expect(sampledAt.length).toBeGreaterThan(0)
    // Every sample falls in the measured 400 ms (timers may fire a few ms late, never early).
    expect(Math.min(...sampledAt)).toBeGreaterThanOrEqual(measuredFrom + 90)
    expect(result.host?.sampleCount).toBeLessThanOrEqual(6)
  })

  it('stops before the test times out, keeps what it measured, and fails the test saying why', {
    timeout: 2000,
  }, async ({ task }) => {
    const started = Date.now()
    const run = load({ name: 'long', url: `${server.url}/`, connections: 1, duration: '10s' })
    await expect(run).rejects.toThrow(
      /^long: stopped after [\d.]+ s, before the test's 2 s timeout; what it measured is in the report\. Give the test a longer timeout/,
    )
    expect(Date.now() - started).toBeLessThan(2000)
    const [result] = task.meta.perf?.results ?? []
    expect(result?.label).toBe('long')
    expect(result?.requests.total).toBeGreaterThan(0)
    expect(result?.stopReason).toBe("aborted: stopped before the test's 2 s timeout")
  })

  it('throws PerfConfigError before sending anything on a bad scenario', async ({ task }) => {
    const before = server.received
    await expect(load({ url: `${server.url}/`, connections: -1, host: false })).rejects.toThrow(
      PerfConfigError,
    )
    await expect(
      load({ url: `${server.url}/`, iterations: 1, host: { intervalMs: -5 } }),
    ).rejects.toThrow(PerfConfigError)
    // Named as written in the scenario, under host.
    await expect(
      load({ url: `${server.url}/`, iterations: 1, host: { interval: 500 } as never }),
    ).rejects.toThrow(/^host\.interval: unknown host option; did you mean intervalMs\?/)
    await expect(load('http://127.0.0.1/' as never)).rejects.toThrow(PerfConfigError)
    expect(server.received).toBe(before)
    expect(task.meta.perf).toBeUndefined()
  })
})

describe('perfTest', () => {
  perfTest('gives a load fixture bound to its test', async ({ load, task }) => {
    const result = await load({
      name: 'fixture',
      url: `${server.url}/`,
      iterations: 5,
      host: false,
    })
    expect(result.requests.total).toBe(5)
    expect(task.meta.perf?.results.map(r => r.label)).toEqual(['fixture'])
  })

  const concurrent: Record<string, string[]> = {}
  describe.sequential('concurrent tests', () => {
    describe.concurrent('each attach their own scenario', () => {
      for (const name of ['a', 'b', 'c']) {
        perfTest(`scenario ${name}`, async ({ load, task }) => {
          await new Promise(resolve => setTimeout(resolve, name === 'a' ? 30 : 0))
          await load({ name, url: `${server.url}/`, iterations: 20, connections: 1, host: false })
          concurrent[name] = task.meta.perf?.results.map(r => r.label) ?? []
        })
      }
    })
    it('(each concurrent test holds exactly its own result)', () => {
      expect(concurrent).toEqual({ a: ['a'], b: ['b'], c: ['c'] })
    })
  })

  // A bare load() in test.concurrent cannot know its test after an await: it says so, once.
  const warnings: string[] = []
  describe.sequential('load() in a plain concurrent test', () => {
    describe.concurrent('warns', () => {
      for (const name of ['one', 'two']) {
        it(`scenario ${name}`, async () => {
          setLogger(createLogger('warn', line => warnings.push(line)))
          await load({ name, url: `${server.url}/`, iterations: 3, host: false })
        })
      }
    })
    it('(once per file, naming perfTest.concurrent)', () => {
      setLogger(createLogger('warn', () => {}))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(
        /load\(\) in the concurrent test "scenario (one|two)": after an await, its result may be attached to another test .* use perfTest\.concurrent/,
      )
    })
  })

  // The global expect judges inside whichever test is current: after an await in concurrent
  // tests that is the last one started, so the rows must follow the result, not the test.
  const rowsOf: Record<string, string[]> = {}
  describe.sequential('matchers through the global expect in concurrent tests', () => {
    describe.concurrent('record on the test that measured', () => {
      for (const name of ['first', 'second']) {
        perfTest(`scenario ${name}`, async ({ load, task }) => {
          if (name === 'first') {
            const result = await load({ name, url: `${server.url}/`, iterations: 5, host: false })
            // The second test started during the load and is the current one now.
            expect(result).toMeetP95(60_000)
          } else {
            await new Promise(resolve => setTimeout(resolve, 600))
          }
          rowsOf[name] =
            task.meta.perf?.compliance.map(row => `${row.scenario}:${row.metric}`) ?? []
        })
      }
    })
    it('(the row is on the first test, none on the second)', () => {
      expect(rowsOf).toEqual({ first: ['first:p95'], second: [] })
    })
  })

  const withTarget = perfTest.extend<{ target: string }>({
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from this pattern
    target: async ({}, use) => {
      await use(`${server.url}/extended`)
    },
  })
  withTarget('extends like any Vitest test, keeping load', async ({ load, target, task }) => {
    const result = await load({ url: target, iterations: 3, host: false })
    expect(result.requests.total).toBe(3)
    expect(task.meta.perf?.results[0]?.label).toContain('/extended')
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

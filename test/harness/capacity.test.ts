import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { capacityLine, findCapacity, perfTest } from '../../src/harness/index.js'

/**
 * A server with one virtual worker: each request waits for the ones before it, then takes
 * SERVICE_MS. Its capacity is 1000 / SERVICE_MS requests per second; below that latency
 * stays near SERVICE_MS, above it the queue (and latency) grows for as long as the load
 * lasts. No CPU is burnt, so the figure holds on a busy machine.
 */
const SERVICE_MS = 10
const CAPACITY = 1000 / SERVICE_MS

let server: Server
let url: string

beforeAll(async () => {
  let busyUntil = 0
  let outstanding = 0
  server = createServer((req, res) => {
    req.resume()
    const now = performance.now()
    // An empty queue starts fresh, even if a previous run left cancelled work behind.
    if (outstanding === 0) busyUntil = now
    busyUntil = Math.max(now, busyUntil) + SERVICE_MS
    outstanding++
    res.on('close', () => outstanding--)
    setTimeout(() => res.end('ok'), busyUntil - now)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

// A short warm-up per rate keeps connection set-up and JIT out of each step's figures.
const scenario = () => ({
  name: 'queue',
  url,
  host: false as const,
  maxInFlight: 2000,
  warmup: '300ms',
})

describe('findCapacity', () => {
  it('steps the rate up and stops at the first rate that breaks the objectives', async ({
    task,
  }) => {
    const reported: number[] = []
    const found = await findCapacity({
      scenario: scenario(),
      onStep: step => reported.push(step.rate),
      objectives: { p95: 150 },
      from: 25,
      to: 300,
      step: 25,
      stepDuration: '1500ms',
    })

    // Under the 100 req/s capacity latency stays near 10 ms; at 125 req/s the queue grows by
    // 25 requests a second, so p95 passes 150 ms within the step. Timer noise on a busy
    // machine may fail 75 req/s, never 50.
    expect(found.capacityRps).toBeGreaterThanOrEqual(50)
    expect(found.capacityRps).toBeLessThanOrEqual(CAPACITY)
    expect(found.brokeAtRps).toBe((found.capacityRps ?? 0) + 25)
    expect(found.limitedBy.map(row => row.metric)).toContain('p95')
    expect(found.steps.map(s => s.rate)).toEqual(
      Array.from({ length: found.steps.length }, (_, i) => 25 + 25 * i),
    )
    expect(reported).toEqual(found.steps.map(s => s.rate))
    expect(found.steps.slice(0, -1).every(s => s.passed)).toBe(true)
    expect(found.steps.at(-1)?.passed).toBe(false)

    // The achieved throughput follows the arrival rate at the passing steps.
    const first = found.steps[0]?.result
    expect(first?.model).toBe('open')
    expect(first?.throughputRps).toBeGreaterThan(20)
    expect(first?.throughputRps).toBeLessThan(30)

    // Every step is attached to the test under its own label; the verdict is annotated.
    expect(task.meta.perf?.results.map(r => r.label)).toEqual(
      found.steps.map(s => `queue @ ${s.rate} req/s`),
    )
    const message = task.annotations.at(-1)?.message ?? ''
    expect(message).toMatch(
      new RegExp(
        `^queue: capacity ${found.capacityRps} req/s; .+ failed at ${found.brokeAtRps} req/s$`,
      ),
    )
    // The annotation names the broken objective with its measured value and its bound.
    expect(message).toMatch(/; p95 \d+(\.\d)? ms > 150 ms/)
  })

  perfTest('bisects to the capacity in a few runs', async ({ findCapacity, task }) => {
    const found = await findCapacity({
      scenario: scenario(),
      objectives: ['p(95) < 150', 'successRate >= 99'],
      from: 20,
      to: 200,
      bisect: { precision: 20 },
      stepDuration: '1500ms',
    })

    expect(found.capacityRps).toBeGreaterThanOrEqual(50)
    expect(found.capacityRps).toBeLessThanOrEqual(CAPACITY + 20)
    expect((found.brokeAtRps ?? 0) - (found.capacityRps ?? 0)).toBeLessThanOrEqual(20)
    expect(found.steps.slice(0, 2).map(s => [s.rate, s.passed])).toEqual([
      [20, true],
      [200, false],
    ])
    expect(found.steps.length).toBeLessThanOrEqual(7)
    // Monotonic: every rate that passed is below every rate that failed.
    const passed = found.steps.filter(s => s.passed).map(s => s.rate)
    const failed = found.steps.filter(s => !s.passed).map(s => s.rate)
    expect(Math.max(...passed)).toBeLessThan(Math.min(...failed))
    // The capacity's rows are recorded and pass; the rate that broke is the search's answer,
    // returned in limitedBy, not recorded as a failed objective of the test.
    const recorded = task.meta.perf?.compliance ?? []
    expect(recorded.some(r => r.metric === 'p95' && r.passed)).toBe(true)
    expect(recorded.every(r => r.passed)).toBe(true)
    expect(found.limitedBy.length).toBeGreaterThan(0)
  })

  it('reports no capacity when the lowest rate already fails', async () => {
    const { name: _name, ...unnamed } = scenario()
    const found = await findCapacity({
      scenario: unnamed,
      objectives: { p50: 0.001 },
      from: 20,
      to: 100,
      step: 40,
      stepDuration: '500ms',
    })
    expect(found.label).toBe('GET /')
    expect(found.capacityRps).toBeNull()
    expect(capacityLine(found)).toMatch(
      /^GET \/: no rate met every objective; p50 \d+(\.\d)? ms > 0.001 ms failed at 20 req\/s$/,
    )
    expect(found.brokeAtRps).toBe(20)
    expect(found.steps).toHaveLength(1)
  })

  it('ends the search when the scenario signal fires, keeping what it knew', async () => {
    const stop = new AbortController()
    const found = await findCapacity({
      scenario: { ...scenario(), signal: stop.signal },
      // Latency plays no part here: every step passes unless the signal cuts it short.
      objectives: { successRate: 50 },
      from: 20,
      to: 100,
      step: 20,
      stepDuration: '600ms',
      onStep: step => {
        if (step.rate === 40) stop.abort()
      },
    })
    // The 40 req/s step ran to its end before the signal fired, so it counts.
    expect(found.capacityRps).toBe(40)
    expect(found.brokeAtRps).toBeNull()
    expect(found.stopReason).toBe('aborted by signal')
    expect(found.steps.map(s => s.rate)).toEqual([20, 40])
    expect(capacityLine(found)).toBe(
      'queue: capacity 40 req/s; the search stopped early: aborted by signal',
    )
  })

  it.each([
    ['both step and bisect', { step: 10, bisect: true }, /give exactly one/],
    ['neither step nor bisect', {}, /give exactly one/],
    ['from <= 0', { from: 0, step: 10 }, /^from: got 0/],
    ['to below from', { to: 10, step: 10 }, /^to: got 10; must be >= from \(50\)/],
    [
      'a rate in the scenario',
      { step: 10, scenario: { url: 'http://127.0.0.1:9/', rate: 5 } },
      /scenario.rate/,
    ],
    ['no objectives', { step: 10, objectives: {} }, /at least one objective/],
    [
      'a bad scenario option',
      { step: 10, scenario: { url: 'http://127.0.0.1:9/', maxInFlight: -1 } },
      /^scenario\.maxInFlight: /,
    ],
    [
      'a misspelt scenario option',
      { step: 10, scenario: { url: 'http://127.0.0.1:9/', conections: 2 } },
      /^scenario\.conections: unknown option; did you mean connections\?/,
    ],
    [
      'a misspelt option',
      { step: 10, stepDurtion: '1s' },
      /^stepDurtion: unknown option; did you mean stepDuration\? allowed: scenario, /,
    ],
    ['a misspelt step', { stp: 10 }, /^stp: unknown option; did you mean step\?/],
    [
      'a misspelt bisect option',
      { bisect: { precison: 5 } },
      /^bisect\.precison: unknown option; did you mean precision\? allowed: precision$/,
    ],
    ['a bad objective', { step: 10, objectives: { p96: 1 } }, /unknown objective "p96"/],
  ])('throws PerfConfigError on %s', async (_, override, message) => {
    const options = {
      scenario: { url: 'http://127.0.0.1:9/', host: false as const },
      objectives: { p95: 10 },
      from: 50,
      to: 100,
      ...override,
    }
    const attempt = findCapacity(options as never)
    await expect(attempt).rejects.toThrow(PerfConfigError)
    await expect(attempt).rejects.toThrow(message)
  })
})

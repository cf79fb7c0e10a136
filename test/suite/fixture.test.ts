import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { formatFaults, parseFaults } from '../../fixtures/faults.js'
import { LATENCY, sampleLatency } from '../../fixtures/latency.js'
import type { RunningService } from '../../fixtures/service.js'
import { startService } from '../../fixtures/service.js'
import { WorkerPool } from '../../fixtures/workers.js'
import { PerfConfigError } from '../../src/errors.js'

let service: RunningService

beforeAll(async () => {
  service = await startService()
})

afterAll(async () => {
  await service.close()
})

async function call(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${service.url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, json: JSON.parse(text) }
}

describe('the four endpoints', () => {
  test('GET /health answers healthy JSON', async () => {
    const { status, headers, json } = await call('/health')
    expect(status).toBe(200)
    expect(headers.get('content-type')).toMatch(/^application\/json/)
    expect(json.status).toBe('healthy')
    expect(Number.isNaN(Date.parse(json.timestamp))).toBe(false)
  })

  test('GET /api/v1/system/status reports components and requests served', async () => {
    await call('/health')
    const { status, json } = await call('/api/v1/system/status')
    expect(status).toBe(200)
    expect(json.status).toBe('operational')
    expect(json.components.vector_store).toBe('healthy')
    expect(json.requests.served.health).toBeGreaterThanOrEqual(1)
    expect(json.faults).toBeNull()
  })

  test('POST /api/v1/coordinator/think answers a plan with the asked number of steps', async () => {
    const { status, json } = await call('/api/v1/coordinator/think', {
      method: 'POST',
      body: { prompt: 'rebalance the shards', max_steps: 4 },
    })
    expect(status).toBe(200)
    expect(json.response).toContain('rebalance the shards')
    expect(json.steps).toHaveLength(4)
    expect(json.latency_ms).toBeGreaterThanOrEqual(LATENCY.think.min)
  })

  test('POST /api/v1/vectors/search answers top_k results, best first', async () => {
    const { status, json } = await call('/api/v1/vectors/search', {
      method: 'POST',
      body: { query: 'latency budgets', top_k: 3, collection: 'docs' },
    })
    expect(status).toBe(200)
    expect(json.count).toBe(3)
    const scores = json.results.map((r: { score: number }) => r.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    expect(json.results[0].text).toContain('docs')
  })

  test('search accepts a vector instead of a query', async () => {
    const { status, json } = await call('/api/v1/vectors/search', {
      method: 'POST',
      body: { vector: [0.1, 0.2, 0.3] },
    })
    expect(status).toBe(200)
    expect(json.count).toBe(5)
  })
})

describe('request validation', () => {
  test.each([
    ['think', { prompt: '' }, 'prompt must be a non-empty string'],
    ['think', { prompt: 'x', max_steps: 0 }, 'max_steps must be an integer from 1 to 20'],
    ['think', { prompt: 'x', context: 'no' }, 'context must be an object'],
    ['think', [1, 2], 'body must be a JSON object'],
    ['search', {}, 'query or vector is required'],
    ['search', { query: 'a', top_k: 101 }, 'top_k must be an integer from 1 to 100'],
    ['search', { vector: [1, 'x'] }, 'vector must be an array of 1 to 4096 finite numbers'],
  ])('%s with %j is a 422 naming the field', async (endpoint, body, message) => {
    const path = endpoint === 'think' ? '/api/v1/coordinator/think' : '/api/v1/vectors/search'
    const { status, json } = await call(path, { method: 'POST', body })
    expect(status).toBe(422)
    expect(json.message).toBe(message)
  })

  test('a body that is not JSON is a 400', async () => {
    const { status, json } = await call('/api/v1/vectors/search', { method: 'POST', body: '{no' })
    expect(status).toBe(400)
    expect(json.error).toBe('invalid_json')
  })

  test('a wrong method is a 405 with Allow, an unknown path a 404', async () => {
    const wrong = await call('/health', { method: 'POST', body: {} })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    const missing = await call('/api/v2/nothing')
    expect(missing.status).toBe(404)
  })

  test('bad query switches are a 400 that says what is allowed', async () => {
    expect((await call('/health?delay=-5')).json.message).toContain('delay must be milliseconds')
    expect((await call('/health?fail=2')).status).toBe(400)
  })
})

describe('fault switches', () => {
  test('error=0.2 fails exactly one request in five with a 500', async () => {
    service.setFaults('health:error=0.2')
    const statuses = await sequential(50, () => call('/health').then(r => r.status))
    service.setFaults('')
    expect(statuses.filter(s => s === 500)).toHaveLength(10)
    expect(statuses.filter(s => s === 200)).toHaveLength(40)
  })

  test('status= changes the code of injected errors', async () => {
    service.setFaults('search:error=1,search:status=503')
    const { status, json } = await call('/api/v1/vectors/search', {
      method: 'POST',
      body: { query: 'q' },
    })
    service.setFaults('')
    expect(status).toBe(503)
    expect(json.error).toBe('injected_fault')
  })

  test('slow= delays every response of that endpoint by at least the given time', async () => {
    service.setFaults('status:slow=150')
    const started = performance.now()
    const { status } = await call('/api/v1/system/status')
    const elapsed = performance.now() - started
    service.setFaults('')
    expect(status).toBe(200)
    expect(elapsed).toBeGreaterThanOrEqual(150)
  })

  test('?delay= and ?fail= act on one request only', async () => {
    const started = performance.now()
    expect((await call('/health?delay=120')).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(120)
    expect((await call('/health?fail=1')).status).toBe(500)
    expect((await call('/health')).status).toBe(200)
  })

  test('POST /__faults switches faults on a running service, DELETE heals it', async () => {
    const set = await call('/__faults', { method: 'POST', body: 'think:error=1' })
    expect(set.status).toBe(200)
    expect(set.json.faults).toBe('think:error=1')
    expect((await call('/api/v1/system/status')).json.status).toBe('degraded')
    const failed = await call('/api/v1/coordinator/think', {
      method: 'POST',
      body: { prompt: 'p' },
    })
    expect(failed.status).toBe(500)

    const json = await call('/__faults', { method: 'POST', body: { faults: '*:slow=1' } })
    expect(json.json.faults).toBe('health:slow=1,status:slow=1,think:slow=1,search:slow=1')
    expect((await call('/__faults', { method: 'DELETE' })).json.faults).toBe('')
    expect((await call('/__faults')).json.table.think.errorRate).toBe(0)
  })

  test('a bad spec sent to /__faults is a 400 that leaves the faults as they were', async () => {
    service.setFaults('health:slow=1')
    const { status, json } = await call('/__faults', { method: 'POST', body: 'health:slow=-1' })
    expect(status).toBe(400)
    expect(json.message).toContain('POST /__faults: got "health:slow=-1"')
    expect(service.faults()).toBe('health:slow=1')
    service.setFaults('')
  })
})

describe('worker pool', () => {
  test('serves at most its size at once, first come first served, and grows on resize', async () => {
    const pool = new WorkerPool(2)
    let running = 0
    let most = 0
    const started: number[] = []
    const gates: Array<() => void> = []
    const jobs = [0, 1, 2, 3, 4].map(i =>
      pool.run(async () => {
        started.push(i)
        running++
        most = Math.max(most, running)
        await new Promise<void>(resolve => gates.push(resolve))
        running--
      }),
    )
    await Promise.resolve()
    expect(started).toEqual([0, 1])
    expect(pool.queued).toBe(3)

    gates.shift()!()
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(started).toEqual([0, 1, 2])

    pool.resize(4)
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect(pool.queued).toBe(0)
    while (gates.length) gates.shift()!()
    await Promise.all(jobs)
    expect(most).toBe(4)
    expect(running).toBe(0)
  })

  test('workers= makes an endpoint queue, and the status endpoint shows the queue', async () => {
    service.setFaults('search:workers=1,search:slow=200')
    const searches = [0, 1, 2].map(() =>
      call('/api/v1/vectors/search', { method: 'POST', body: { query: 'q' } }),
    )
    await new Promise(resolve => setTimeout(resolve, 50))
    const status = await call('/api/v1/system/status')
    await Promise.all(searches)
    service.setFaults('')
    expect(status.json.requests.queued.search).toBe(2)
    expect(status.json.requests.queued.health).toBe(0)
  })
})

describe('fault specs', () => {
  test('parse the documented syntax and render it back', () => {
    const table = parseFaults(' think:slow=3000 , health:error=0.2,health:status=503 ')
    expect(table.think.slowMs).toBe(3000)
    expect(table.health).toEqual({ slowMs: 0, errorRate: 0.2, errorStatus: 503, workers: null })
    expect(table.search).toEqual({ slowMs: 0, errorRate: 0, errorStatus: 500, workers: null })
    expect(formatFaults(table)).toBe('health:error=0.2,health:status=503,think:slow=3000')
    expect(parseFaults('search:workers=4').search.workers).toBe(4)
    expect(formatFaults(parseFaults(''))).toBe('')
  })

  test.each([
    'think',
    'think:slow',
    'nowhere:slow=1',
    'think:fast=1',
    'think:error=1.5',
    'think:status=200',
    'think:slow=abc',
    'search:workers=0',
    'search:workers=1.5',
  ])('reject %j naming the variable and the allowed forms', spec => {
    expect(() => parseFaults(spec)).toThrow(PerfConfigError)
    expect(() => parseFaults(spec)).toThrow(/^PERF_FIXTURE_FAULTS: got .*allowed: a comma-sep/)
  })
})

describe('latency model', () => {
  test('draws are log-normal around the median, with the tail the sigma implies', () => {
    const random = seeded(42)
    const model = LATENCY.think
    const draws = Array.from({ length: 20_000 }, () => sampleLatency(model, random)).sort(
      (a, b) => a - b,
    )
    const at = (q: number) => draws[Math.floor(q * (draws.length - 1))] as number
    expect(at(0.5) / model.median).toBeGreaterThan(0.95)
    expect(at(0.5) / model.median).toBeLessThan(1.05)
    // The 95th percentile of a log-normal is median * exp(1.645 sigma).
    const p95 = model.median * Math.exp(1.645 * model.sigma)
    expect(at(0.95) / p95).toBeGreaterThan(0.92)
    expect(at(0.95) / p95).toBeLessThan(1.08)
    expect(draws[0]).toBeGreaterThanOrEqual(model.min)
    expect(draws.at(-1)).toBeLessThanOrEqual(model.max)
  })

  test('every endpoint sits well inside its p99 objective', () => {
    const p99 = (name: keyof typeof LATENCY) =>
      LATENCY[name].median * Math.exp(2.326 * LATENCY[name].sigma)
    expect(p99('health')).toBeLessThan(50 / 5)
    expect(p99('status')).toBeLessThan(300 / 5)
    expect(p99('think')).toBeLessThan(5000 / 5)
    expect(p99('search')).toBeLessThan(600 / 5)
  })
})

async function sequential<T>(count: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < count; i++) out.push(await fn())
  return out
}

/** A small deterministic generator (mulberry32) so the distribution test is repeatable. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

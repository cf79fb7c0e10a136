import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, logger, setLogger } from '../../src/config/logger.js'
import { Ring } from '../../src/monitor/history/ring.js'
import type { SeriesPoint } from '../../src/monitor/history/series.js'
import { knownSeries } from '../../src/monitor/history/series.js'
import { HistoryStore } from '../../src/monitor/history/store.js'
import { RedisServer } from './redis-server.js'

const batch = (t: number, v: number): SeriesPoint[] => [
  { series: 'host/cpu', t, v },
  { series: 'api/p95', t, v: v * 10 },
]

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await sleep(25)
  }
}

describe('Ring', () => {
  it('keeps only the newest points up to its capacity, oldest first', () => {
    const ring = new Ring(3)
    for (let i = 1; i <= 5; i++) ring.push(i * 1000, i)
    expect(ring.size).toBe(3)
    expect(ring.range(0).map(p => p.v)).toEqual([3, 4, 5])
    expect(ring.last()).toEqual({ t: 5000, v: 5 })
  })

  it('grows past its first allocation up to the capacity and keeps wrapping in order', () => {
    const ring = new Ring(200)
    for (let i = 0; i < 500; i++) ring.push(i, i * 2)
    const points = ring.range(0)
    expect(points).toHaveLength(200)
    expect(points[0]).toEqual({ t: 300, v: 600 })
    expect(points.at(-1)).toEqual({ t: 499, v: 998 })
    expect(ring.tail(3).map(p => p.t)).toEqual([497, 498, 499])
    ring.merge([{ t: 350.5, v: -1 }])
    expect(
      ring
        .range(350)
        .slice(0, 3)
        .map(p => p.t),
    ).toEqual([350, 350.5, 351])
    expect(ring.size).toBe(200)
  })

  it('returns the points at or after a time', () => {
    const ring = new Ring(10)
    for (let i = 1; i <= 6; i++) ring.push(i * 1000, i)
    expect(ring.range(3500).map(p => p.t)).toEqual([4000, 5000, 6000])
    expect(ring.range(7000)).toEqual([])
  })

  it('merges older points into place and keeps a repeated time once', () => {
    const ring = new Ring(4)
    ring.push(3000, 3)
    ring.push(5000, 5)
    ring.merge([
      { t: 1000, v: 1 },
      { t: 3000, v: 3 },
      { t: 4000, v: 4 },
    ])
    ring.push(2000, 2)
    expect(ring.range(0)).toEqual([
      { t: 2000, v: 2 },
      { t: 3000, v: 3 },
      { t: 4000, v: 4 },
      { t: 5000, v: 5 },
    ])
  })
})

describe('HistoryStore in memory', () => {
  it('keeps each series bounded and reports memory mode', async () => {
    const store = new HistoryStore({ maxHistorySize: 5, redisUrl: null, prefix: 'x' })
    await store.open()
    for (let i = 0; i < 12; i++) store.append(batch(1000 + i, i))
    expect((await store.range('host/cpu', 0)).map(p => p.v)).toEqual([7, 8, 9, 10, 11])
    expect((await store.range('api/p95', 0)).map(p => p.v)).toEqual([70, 80, 90, 100, 110])
    expect(store.series().sort()).toEqual(['api/p95', 'host/cpu'])
    expect(store.status()).toEqual({ redis: 'memory', buffered: 0 })
    expect(store.problem()).toBeNull()
    expect(await store.close()).toBe(true)
  })
})

describe('HistoryStore with a real redis-server', () => {
  let redis: RedisServer

  beforeAll(async () => {
    redis = await RedisServer.start()
  })

  afterAll(async () => {
    await redis?.dispose()
  })

  it('writes every series to Redis, trimmed to maxHistorySize, and reloads it after a restart', async () => {
    const prefix = 'vp-test-restart'
    const first = new HistoryStore({ maxHistorySize: 4, redisUrl: redis.url, prefix })
    await first.open()
    expect(first.status().redis).toBe('connected')
    for (let i = 0; i < 6; i++) first.append(batch(10_000 + i, i))
    expect(await first.close()).toBe(true)

    const check = redis.client()
    expect(await check.zcard(`${prefix}:s:host/cpu`)).toBe(4)
    expect((await check.smembers(`${prefix}:series`)).sort()).toEqual(['api/p95', 'host/cpu'])
    check.disconnect()

    // A new monitor (a restart) finds the history in memory without sampling anything.
    const second = new HistoryStore({ maxHistorySize: 4, redisUrl: redis.url, prefix })
    await second.open()
    expect(second.recent('host/cpu', 0).map(p => p.v)).toEqual([2, 3, 4, 5])
    expect(second.recent('api/p95', 0).map(p => p.t)).toEqual([10_002, 10_003, 10_004, 10_005])
    await second.close()
  })

  it('two stores on one Redis read each other’s points', async () => {
    const prefix = 'vp-test-shared'
    const a = new HistoryStore({ maxHistorySize: 100, redisUrl: redis.url, prefix })
    const b = new HistoryStore({ maxHistorySize: 100, redisUrl: redis.url, prefix })
    await Promise.all([a.open(), b.open()])
    a.append([{ series: 'host/cpu', t: 1000, v: 11 }])
    b.append([{ series: 'host/cpu', t: 2000, v: 22 }])
    await until(async () => (await a.range('host/cpu', 0)).length === 2)
    expect(await b.range('host/cpu', 0)).toEqual([
      { t: 1000, v: 11 },
      { t: 2000, v: 22 },
    ])
    await Promise.all([a.close(), b.close()])
  })

  it('keeps sampling in memory while Redis is down and writes the buffered points when it returns', async () => {
    const prefix = 'vp-test-outage'
    const store = new HistoryStore({ maxHistorySize: 1000, redisUrl: redis.url, prefix })
    await store.open()
    let t = 100_000
    for (let i = 0; i < 5; i++) store.append(batch(t++, i))
    await until(() => store.status().buffered === 0)

    await redis.stop()
    await until(() => store.status().redis === 'down')
    for (let i = 5; i < 25; i++) store.append(batch(t++, i))

    // Sampling went on in memory; health names Redis as the fault.
    expect(store.status()).toEqual({ redis: 'down', buffered: 40 })
    expect(store.recent('host/cpu', 0)).toHaveLength(25)
    expect((await store.range('host/cpu', 0)).map(p => p.v)).toEqual([...Array(25).keys()])
    const problem = store.problem()
    expect(problem?.kind).toBe('redis')
    expect(problem?.message).toMatch(/40 points wait to be written/)
    expect(problem?.message).not.toContain('redis://')

    await redis.restart()
    await until(() => store.status().redis === 'connected' && store.status().buffered === 0, 20_000)
    for (let i = 25; i < 30; i++) store.append(batch(t++, i))
    expect(await store.close()).toBe(true)

    const check = redis.client()
    const members = await check.zrange(`${prefix}:s:host/cpu`, 0, -1)
    check.disconnect()
    expect(members.map(m => Number(m.split(':')[1]))).toEqual([...Array(30).keys()])
  })

  it('reports a Redis that holds the connection open without answering, serves reads from memory meanwhile, and writes every buffered point once it answers', async () => {
    const prefix = 'vp-test-stall'
    const store = new HistoryStore({ maxHistorySize: 1000, redisUrl: redis.url, prefix })
    await store.open()
    let t = 200_000
    for (let i = 0; i < 5; i++) store.append(batch(t++, i))
    await until(() => store.status().buffered === 0)

    // SIGSTOP keeps the socket open while the server answers nothing, as a hung Redis does.
    const pid = await serverPid(redis)
    process.kill(pid, 'SIGSTOP')
    try {
      for (let i = 5; i < 10; i++) store.append(batch(t++, i))

      // Before any write has timed out, a read gives up on Redis and serves memory.
      let started = Date.now()
      expect((await store.range('host/cpu', 0)).map(p => p.v)).toEqual([...Array(10).keys()])
      expect(Date.now() - started).toBeLessThan(1500)

      // Once a write has timed out, health names the stall while the connection stays open.
      await until(() => store.problem() !== null, 10_000)
      for (let i = 10; i < 12; i++) store.append(batch(t++, i))
      expect(store.status()).toEqual({ redis: 'connected', buffered: 14 })
      const problem = store.problem()
      expect(problem?.kind).toBe('redis')
      expect(problem?.message).toMatch(/not storing history \(Command timed out\)/)
      expect(problem?.message).toMatch(/14 points wait to be written/)
      expect(problem?.message).not.toContain('redis://')

      started = Date.now()
      expect((await store.range('host/cpu', 0)).map(p => p.v)).toEqual([...Array(12).keys()])
      expect(Date.now() - started).toBeLessThan(1500)
    } finally {
      process.kill(pid, 'SIGCONT')
    }

    store.append(batch(t++, 12))
    await until(() => store.problem() === null && store.status().buffered === 0, 15_000)
    expect(store.status()).toEqual({ redis: 'connected', buffered: 0 })
    expect(await store.close()).toBe(true)

    const check = redis.client()
    const members = await check.zrange(`${prefix}:s:host/cpu`, 0, -1)
    check.disconnect()
    expect(members.map(m => Number(m.split(':')[1]))).toEqual([...Array(13).keys()])
  }, 30_000)

  it('loads only the series it keeps, and skips stored points that are not a finite time and value', async () => {
    const prefix = 'vp-test-foreign'
    const client = redis.client()
    await client.sadd(`${prefix}:series`, 'host/load', 'alpha/p95', 'beta/p95', 'host/nosuch')
    // What another writer (or a hand) may leave in a series: no separator, NaN, an empty
    // part, Infinity; only the first and last members are points.
    await client.zadd(
      `${prefix}:s:host/load`,
      ...[1000, '1000:0.5', 2000, 'garbage', 3000, '3000:NaN', 4000, '4000:', 5000, ':5'],
      ...[6000, '6000:Infinity', 7000, '7000:1.5'],
    )
    await client.zadd(`${prefix}:s:alpha/p95`, 1000, '1000:3')
    await client.zadd(`${prefix}:s:beta/p95`, 1000, '1000:4')
    await client.zadd(`${prefix}:s:host/nosuch`, 1000, '1000:5')
    client.disconnect()

    const lines: string[] = []
    const previous = logger()
    setLogger(createLogger('debug', line => lines.push(line)))
    const store = new HistoryStore({
      maxHistorySize: 100,
      redisUrl: redis.url,
      prefix,
      keep: knownSeries(['beta']),
    })
    try {
      await store.open()
      expect(store.series().sort()).toEqual(['beta/p95', 'host/load'])
      const points = [
        { t: 1000, v: 0.5 },
        { t: 7000, v: 1.5 },
      ]
      expect(store.recent('host/load', 0)).toEqual(points)
      // Read back from Redis, as the history API does, the same points and nothing else.
      expect(await store.range('host/load', 0)).toEqual(points)
      expect(await store.range('alpha/p95', 0)).toEqual([{ t: 1000, v: 3 }])
      expect(store.recent('alpha/p95', 0)).toEqual([])

      expect(lines).toContain(
        '[vitest-perf] debug monitor: skipped malformed points in Redis {"count":5}',
      )
      expect(lines).toContain(
        '[vitest-perf] debug monitor: skipped malformed points read from Redis {"series":"host/load","skipped":5}',
      )
      expect(lines.find(line => line.includes('not probed here'))).toMatch(
        /"count":2,"series":\["alpha\/p95","host\/nosuch"\]/,
      )
    } finally {
      await store.close()
      setLogger(previous)
    }
  })

  it('starts in memory when Redis is unreachable and says so', async () => {
    const store = new HistoryStore({
      maxHistorySize: 10,
      redisUrl: 'redis://127.0.0.1:1',
      prefix: 'vp-none',
    })
    await store.open(300)
    store.append(batch(1, 1))
    expect(store.status()).toEqual({ redis: 'down', buffered: 2 })
    expect(store.recent('host/cpu', 0)).toEqual([{ t: 1, v: 1 }])
    expect(await store.close(100)).toBe(false)
  })
})

/** The server's process id, from its own INFO, so the test can pause and resume it. */
async function serverPid(server: RedisServer): Promise<number> {
  const client = server.client()
  const info = await client.info('server')
  client.disconnect()
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1])
  if (!pid) throw new Error('redis-server did not report its process id')
  return pid
}

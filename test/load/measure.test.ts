import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { measure } from '../../src/harness/measure.js'
import { decodeHistogram } from '../../src/stats/index.js'

describe('measure', () => {
  it('calls a function exactly `iterations` times, sequentially, in the LoadResult shape', async () => {
    const seen: number[] = []
    const result = await measure(
      function parse(index) {
        seen.push(index)
        return JSON.parse('{"a":[1,2,3]}')
      },
      { iterations: 250 },
    )
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i))
    expect(result.target).toEqual({ kind: 'function', name: 'parse' })
    expect(result.label).toBe('parse')
    expect(result.model).toBe('closed')
    expect(result.requests).toEqual({ total: 250, succeeded: 250, failed: 0, dropped: 0 })
    expect(result.statusCodes).toEqual({})
    expect(result.correctedLatencyMs).toBeNull()
    expect(decodeHistogram(result.histogram).totalCount).toBe(250)
    expect(result.latencyMs.max).toBeLessThan(50)
  })

  it('times async work: a 10 ms sleep measures about 10 ms', { retry: 2 }, async () => {
    const result = await measure(() => sleep(10), { iterations: 20, name: 'sleep' })
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(9)
    expect(result.latencyMs.p50).toBeLessThan(16)
  })

  it('keeps `concurrency` calls in progress through p-limit', async () => {
    let active = 0
    let peak = 0
    const result = await measure(
      async () => {
        active++
        peak = Math.max(peak, active)
        await sleep(5)
        active--
      },
      { iterations: 60, concurrency: 6, name: 'query' },
    )
    expect(result.requests.total).toBe(60)
    expect(peak).toBe(6)
  })

  it('counts throws and rejections by code (else `error`) and failed checks, never throwing', async () => {
    const result = await measure(
      async index => {
        if (index % 4 === 1) throw new Error('boom')
        if (index % 4 === 2) throw Object.assign(new Error('late'), { code: 'ETIMEDOUT' })
        return index
      },
      { iterations: 40, check: value => (value as number) % 8 !== 0 },
    )
    expect(result.requests).toEqual({ total: 40, succeeded: 15, failed: 25, dropped: 0 })
    expect(result.errors).toEqual({ error: 10, timeout: 10, check: 5 })
  })

  it('runs for a duration and excludes warm-up calls', { retry: 2 }, async () => {
    let calls = 0
    const result = await measure(
      async () => {
        calls++
        await sleep(2)
      },
      { duration: 600, warmup: 300 },
    )
    expect(result.durationMs).toBeGreaterThan(550)
    expect(result.durationMs).toBeLessThan(1500)
    expect(result.requests.total).toBeGreaterThan(20)
    expect(calls).toBeGreaterThan(result.requests.total)
  })

  it('stops on an abort signal and returns the partial result', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const result = await measure(() => sleep(5), {
      duration: '10s',
      concurrency: 2,
      signal: controller.signal,
    })
    expect(result.aborted).toBe(true)
    expect(result.durationMs).toBeLessThan(2000)
    expect(result.requests.total).toBeGreaterThan(10)
  })

  it('rejects bad options before calling', async () => {
    const never = () => {
      throw new Error('called')
    }
    await expect(measure(never, { iterations: 0 })).rejects.toThrow(/iterations: got 0/)
    await expect(measure(never, { iterations: 5, duration: '1s' })).rejects.toThrow(
      /duration and iterations/,
    )
    await expect(measure(never, { concurency: 2 } as never)).rejects.toThrow(
      /did you mean concurrency\?/,
    )
    await expect(measure('nope' as never)).rejects.toThrow(PerfConfigError)
  })
})

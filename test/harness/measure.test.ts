import { describe, expect, it } from 'vitest'
import { measure, perfTest } from '../../src/harness/index.js'

describe('measure() inside a test', () => {
  it('attaches the function result to the test and annotates it', async ({ task }) => {
    const result = await measure(async () => {}, { name: 'noop', iterations: 50 })

    expect(result.target).toEqual({ kind: 'function', name: 'noop' })
    expect(result.requests.total).toBe(50)
    expect(task.meta.perf?.results.map(r => r.label)).toEqual(['noop'])
    expect(task.annotations.at(-1)?.message).toMatch(
      /^noop: 50 calls in [\d.]+ s \([\d.,]+ calls\/s\), p50/,
    )
    expect(result).toMeetP99(1_000)
  })

  it('stops before the test times out, keeps what it measured, and fails the test saying why', {
    timeout: 1000,
  }, async ({ task }) => {
    const run = measure(() => new Promise(resolve => setTimeout(resolve, 5)), {
      name: 'slow',
      duration: '5s',
    })
    await expect(run).rejects.toThrow(
      /^slow: stopped after [\d.]+ ms, before the test's 1 s timeout/,
    )
    const [result] = task.meta.perf?.results ?? []
    expect(result?.label).toBe('slow')
    expect(result?.requests.total).toBeGreaterThan(0)
  })

  perfTest('is a perfTest fixture too, bound to its test', async ({ measure, task }) => {
    let calls = 0
    const result = await measure(() => calls++, { name: 'count', iterations: 20 })
    expect(calls).toBeGreaterThanOrEqual(20)
    expect(result.successRate).toBe(100)
    expect(task.meta.perf?.results[0]?.label).toBe('count')
  })
})

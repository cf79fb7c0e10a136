import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, setLogger } from '../../src/config/logger.js'
import { PerfConfigError } from '../../src/errors.js'
import { recordHost } from '../../src/host/index.js'

let lines: string[] = []

beforeEach(() => {
  lines = []
  setLogger(createLogger('warn', line => lines.push(line)))
})

afterEach(() => {
  setLogger(createLogger('silent'))
})

describe('custom collectors', () => {
  it('puts collector values on every sample', async () => {
    const recorder = recordHost({ intervalMs: 100 })
    let depth = 0
    recorder.addCollector(async () => [{ name: 'queue.depth', value: ++depth, unit: 'jobs' }])
    await sleep(350)
    const summary = await recorder.stop()

    const values = summary.samples.map(sample => sample.custom?.['queue.depth'])
    expect(values.length).toBeGreaterThanOrEqual(3)
    expect(values).toEqual(values.map((_, i) => i + 1))
    expect(summary.collectorFailures).toBeUndefined()
  })

  it('skips a collector that hangs, reports it once and never calls it again while it hangs', async () => {
    const recorder = recordHost({ intervalMs: 100 })
    let calls = 0
    recorder.addCollector(
      () => {
        calls++
        return new Promise(() => {})
      },
      { name: 'stuck', timeoutMs: 50 },
    )
    recorder.addCollector(() => [{ name: 'ok', value: 7, unit: 'n' }])
    await sleep(550)
    const summary = await recorder.stop()

    expect(calls).toBe(1)
    expect(summary.sampleCount).toBeGreaterThanOrEqual(4)
    expect(summary.collectorFailures).toEqual([
      { collector: 'stuck', reason: 'did not answer within 50 ms', count: summary.sampleCount },
    ])
    expect(summary.samples.every(sample => sample.custom?.ok === 7)).toBe(true)
    expect(summary.samples.every(sample => !('stuck' in (sample.custom ?? {})))).toBe(true)
    expect(lines.filter(line => line.includes('stuck'))).toHaveLength(1)
    expect(lines[0]).toContain('host collector "stuck" skipped: did not answer within 50 ms')
  })

  it('skips a collector that throws for that sample only, once per interval, reported once', async () => {
    const recorder = recordHost({ intervalMs: 100 })
    let calls = 0
    recorder.addCollector(async function flaky() {
      calls++
      if (calls % 2 === 1) throw new Error('socket closed')
      return [{ name: 'flaky', value: calls, unit: 'n' }]
    })
    await sleep(650)
    const summary = await recorder.stop()

    // Called once per sample: never retried in a loop after a failure.
    expect(calls).toBe(summary.sampleCount)
    const failure = summary.collectorFailures?.[0]
    expect(failure).toMatchObject({ collector: 'flaky', reason: 'threw: socket closed' })
    expect(failure?.count).toBe(Math.ceil(calls / 2))
    const values = summary.samples.map(sample => sample.custom?.flaky ?? null)
    expect(values.filter(value => value !== null)).toEqual(
      Array.from({ length: Math.floor(calls / 2) }, (_, i) => 2 * (i + 1)),
    )
    expect(lines).toHaveLength(1)
  })

  it('rejects values that are not finite numbers', async () => {
    const recorder = recordHost({ intervalMs: 100 })
    recorder.addCollector(() => [{ name: 'ratio', value: Number.NaN, unit: '%' }], { name: 'nan' })
    await sleep(150)
    const summary = await recorder.stop()

    expect(summary.collectorFailures?.[0]?.reason).toBe(
      'returned NaN for "ratio", not a finite number',
    )
    expect(summary.samples[0]?.custom).toEqual({})
  })

  it('rejects a collector that is not a function or a bad timeout', async () => {
    const recorder = recordHost({ intervalMs: 100 })
    expect(() => recorder.addCollector(42 as never)).toThrow(PerfConfigError)
    expect(() => recorder.addCollector(() => [], { timeoutMs: 0 })).toThrow(/timeoutMs: got 0/)
    await recorder.stop()
  })
})

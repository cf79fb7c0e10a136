import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { recordHost, resolveHostOptions } from '../../src/host/index.js'

describe('host recorder options', () => {
  it('fills the documented defaults', () => {
    const options = resolveHostOptions()
    expect(options).toMatchObject({
      intervalMs: 1000,
      mounts: ['/'],
      pids: [],
      basis: 'p95',
      maxSamples: 10_000,
      collectorTimeoutMs: 1000,
      source: 'auto',
    })
    expect(options.levels.cpu).toEqual({ normal: 40, warning: 70, critical: 85 })
    expect(resolveHostOptions({ intervalMs: 200 }).collectorTimeoutMs).toBe(200)
    expect(resolveHostOptions({ intervalMs: '5s' }).intervalMs).toBe(5000)
  })

  it('accepts intervals from 100 ms to one hour and rejects the rest, naming intervalMs', () => {
    expect(resolveHostOptions({ intervalMs: 100 }).intervalMs).toBe(100)
    expect(resolveHostOptions({ intervalMs: 3_600_000 }).intervalMs).toBe(3_600_000)
    for (const bad of [99, 0, -1, 3_600_001, Number.NaN, 'fast', '2h']) {
      expect(() => recordHost({ intervalMs: bad })).toThrow(PerfConfigError)
    }
    expect(() => recordHost({ intervalMs: 50 })).toThrow(
      /intervalMs: got 50; allowed: from 100 ms to 1 hour/,
    )
  })

  it('rejects a bad level table before recording, naming resource and key', () => {
    expect(() => recordHost({ levels: { cpu: { warning: 30 } } })).toThrow(
      /levels\.cpu\.warning: got 30/,
    )
    expect(() => recordHost({ levels: { memory: { critical: 120 } } })).toThrow(
      /levels\.memory\.critical/,
    )
    expect(() => recordHost({ levels: { swap: {} } as never })).toThrow(/levels\.swap/)
  })

  it('rejects bad mounts, pids, basis, sample bounds, timeouts and unknown options', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ mounts: [] }, /^mounts: got an array of 0/],
      [{ mounts: ['relative/path'] }, /^mounts: got "relative\/path"/],
      [{ pids: [0] }, /^pids: got 0/],
      [{ pids: [1.5] }, /^pids: got 1\.5/],
      [{ pids: 123 }, /^pids: got 123/],
      [{ basis: 'p99' }, /^basis: got "p99"; allowed: 'p95', 'mean' or 'max'/],
      [{ maxSamples: 5 }, /^maxSamples: got 5/],
      [
        { collectorTimeoutMs: 2000 },
        /^collectorTimeoutMs: got 2000; .*at most intervalMs \(1000\)/,
      ],
      [{ source: 'wmi' }, /^source: got "wmi"/],
      [
        { interval: 1000 },
        /^interval: unknown host option; did you mean intervalMs\? allowed: intervalMs, /,
      ],
    ]
    for (const [options, message] of cases) {
      expect(() => recordHost(options as never)).toThrow(message)
    }
  })
})

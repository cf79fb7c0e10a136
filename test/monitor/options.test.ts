import { describe, expect, it, vi } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { createMonitor } from '../../src/monitor/index.js'
import { isLoopback, resolveMonitorOptions } from '../../src/monitor/options.js'

const resolve = (
  options: Parameters<typeof resolveMonitorOptions>[0],
  env: NodeJS.ProcessEnv = {},
) => resolveMonitorOptions(options, env)

function errorOf(fn: () => unknown): PerfConfigError {
  try {
    fn()
  } catch (error) {
    if (error instanceof PerfConfigError) return error
    throw error
  }
  throw new Error('expected a PerfConfigError')
}

describe('resolveMonitorOptions', () => {
  it('fills the documented defaults', () => {
    const o = resolve({})
    expect(o).toMatchObject({
      intervalMs: 30_000,
      port: 8001,
      host: '127.0.0.1',
      token: null,
      redisUrl: null,
      maxHistorySize: 10_000,
      probe: { requests: 5, timeoutMs: 5000 },
      hostResources: true,
      maxClientBufferBytes: 1024 * 1024,
      endpoints: [],
    })
    expect(o.levels.cpu).toEqual({ normal: 40, warning: 70, critical: 85 })
    expect(o.alerts.forMs).toBe(60_000)
  })

  it('reads the environment: MONITORING_INTERVAL in seconds, port, host, token, Redis, base URL', () => {
    const o = resolve(
      { endpoints: [{ name: 'api', path: '/health' }] },
      {
        MONITORING_INTERVAL: '2.5',
        MONITOR_PORT: '9100',
        MONITOR_HOST: '0.0.0.0',
        MONITOR_TOKEN: 'secret-token-1',
        REDIS_URL: 'redis://127.0.0.1:6390',
        PERF_BASE_URL: 'http://127.0.0.1:8000/api/',
      },
    )
    expect(o.intervalMs).toBe(2500)
    expect(o.port).toBe(9100)
    expect(o.host).toBe('0.0.0.0')
    expect(o.token).toBe('secret-token-1')
    expect(o.redisUrl).toBe('redis://127.0.0.1:6390')
    // The base path is kept: /api + /health.
    expect(o.endpoints[0]?.url).toBe('http://127.0.0.1:8000/api/health')
    expect(o.probe.timeoutMs).toBe(1250)
  })

  it('options win over the environment', () => {
    const o = resolve(
      { intervalMs: 1000, port: 0 },
      { MONITORING_INTERVAL: '5', MONITOR_PORT: '9' },
    )
    expect(o.intervalMs).toBe(1000)
    expect(o.port).toBe(0)
  })

  it('refuses a non-loopback address without a token, and names the fix', () => {
    const error = errorOf(() => resolve({ host: '0.0.0.0' }))
    expect(error.option).toBe('token')
    expect(error.message).toMatch(/MONITOR_TOKEN/)
    expect(error.message).toMatch(/127\.0\.0\.1/)
    vi.stubEnv('MONITOR_TOKEN', '')
    expect(() => createMonitor({ host: '192.168.1.20' })).toThrow(PerfConfigError)
    vi.unstubAllEnvs()
    expect(resolve({ host: '0.0.0.0', token: 'long-enough' }).token).toBe('long-enough')
    expect(resolve({ host: 'localhost' }).token).toBeNull()
    expect(resolve({ host: '::1' }).token).toBeNull()
  })

  it('tells loopback addresses apart', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ])
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ])
  })

  it('names the option, the value and what is allowed for bad endpoints', () => {
    expect(
      errorOf(() => resolve({ endpoints: [{ name: 'host', url: 'http://127.0.0.1/' }] })).message,
    ).toMatch(/endpoints\[0\]\.name: got "host"; names host and custom are reserved/)
    expect(
      errorOf(() => resolve({ endpoints: [{ name: 'a b', url: 'http://127.0.0.1/' }] })).option,
    ).toBe('endpoints[0].name')
    expect(
      errorOf(() =>
        resolve({
          endpoints: [
            { name: 'a', url: 'http://127.0.0.1/' },
            { name: 'a', url: 'http://127.0.0.1/x' },
          ],
        }),
      ).message,
    ).toMatch(/not used twice/)
    expect(errorOf(() => resolve({ endpoints: [{ name: 'a', path: '/x' }] })).message).toMatch(
      /needs a base URL/,
    )
    expect(errorOf(() => resolve({ endpoints: [{ name: 'a', url: 'ftp://x/' }] })).option).toBe(
      'endpoints[0].url',
    )
    expect(
      errorOf(() =>
        resolve({
          endpoints: [{ name: 'a', url: 'http://x/', objectives: { availability: 120 } }],
        }),
      ).message,
    ).toMatch(/availability: got 120; expected a percent/)
    expect(
      errorOf(() =>
        resolve({
          endpoints: [{ name: 'a', url: 'http://x/', objectives: { availability: 0.95 } }],
        }),
      ).message,
    ).toMatch(/availability: got 0.95; 0.95 would mean 0.95%, not 95%/)
    expect(
      errorOf(() => resolve({ endpoints: [{ name: 'a', url: 'http://x/', method: 'FETCH' }] }))
        .option,
    ).toBe('endpoints[0].method')
  })

  it('rejects bad numbers and never echoes a Redis URL', () => {
    expect(errorOf(() => resolve({ intervalMs: 10 })).message).toMatch(
      /intervalMs: got 10; expected milliseconds/,
    )
    expect(errorOf(() => resolve({}, { MONITORING_INTERVAL: 'soon' })).option).toBe(
      'MONITORING_INTERVAL',
    )
    expect(errorOf(() => resolve({ port: 70_000 })).option).toBe('port')
    expect(errorOf(() => resolve({ maxHistorySize: 1.5 })).option).toBe('maxHistorySize')
    const redis = errorOf(() => resolve({ redisUrl: 'http://user:hunter2@host' }))
    expect(redis.option).toBe('redisUrl')
    expect(redis.message).not.toContain('hunter2')
  })

  it('checks alert rules through the alerting side before starting', () => {
    expect(() =>
      resolve({
        alerts: {
          rules: [
            {
              name: 'x',
              severity: 'high',
              component: 'host',
              metric: 'cpu',
              comparator: '>=' as unknown as '>',
              threshold: 5,
            },
          ],
        },
      }),
    ).toThrow(/comparator/)
  })
})

import { describe, expect, it, vi } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { createMonitor } from '../../src/monitor/index.js'
import { isLoopback, resolveMonitorOptions } from '../../src/monitor/options.js'
import { P95_RULE } from './helpers.js'

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

  it('checks every monitor variable that is set, also when an option overrides it', () => {
    const options = { intervalMs: 1000, port: 0, host: '127.0.0.1', token: 'long-enough' }
    expect(errorOf(() => resolve(options, { MONITORING_INTERVAL: '0x10' })).message).toMatch(
      /^MONITORING_INTERVAL: got "0x10"; expected seconds/,
    )
    expect(errorOf(() => resolve(options, { MONITOR_PORT: '80.5' })).option).toBe('MONITOR_PORT')
    expect(errorOf(() => resolve(options, { MONITOR_TOKEN: 'short' })).option).toBe('MONITOR_TOKEN')
    expect(
      errorOf(() => resolve({ ...options, redisUrl: 'redis://127.0.0.1:1' }, { REDIS_URL: 'x' }))
        .message,
    ).toBe('REDIS_URL: expected a redis:// or rediss:// URL')
    // Valid, they lose to the options given in code.
    expect(resolve(options, { MONITORING_INTERVAL: '5', MONITOR_PORT: '9' })).toMatchObject({
      intervalMs: 1000,
      port: 0,
    })
  })

  it('refuses a token that is blank or has whitespace at either end, naming where it came from', () => {
    const allowed =
      'expected a string of at least 8 characters, not blank, with no whitespace at either end'
    const bound = { host: '0.0.0.0' }
    expect(errorOf(() => resolve(bound, { MONITOR_TOKEN: '        ' })).message).toBe(
      `MONITOR_TOKEN: got only whitespace; ${allowed}`,
    )
    expect(errorOf(() => resolve(bound, { MONITOR_TOKEN: ' secret-token' })).message).toBe(
      `MONITOR_TOKEN: starts or ends with whitespace; ${allowed}`,
    )
    expect(errorOf(() => resolve(bound, { MONITOR_TOKEN: 'secret-token\n' })).option).toBe(
      'MONITOR_TOKEN',
    )
    const fromOption = errorOf(() => resolve({ ...bound, token: '\t\t\t\t\t\t\t\t' }))
    expect(fromOption.message).toBe(`token: got only whitespace; ${allowed}`)
    expect(fromOption.message).not.toContain('\t')
    // Spaces inside a token are its own business.
    expect(resolve(bound, { MONITOR_TOKEN: 'pass phrase here' }).token).toBe('pass phrase here')
  })

  it('leaves a PERF_BASE_URL that is not a URL alone unless an endpoint path needs it', () => {
    const env = { PERF_BASE_URL: 'staging.example.com' }
    const absolute = { endpoints: [{ name: 'a', url: 'http://127.0.0.1:9100/ok' }] }
    expect(resolve(absolute, env).endpoints[0]?.url).toBe('http://127.0.0.1:9100/ok')
    const withBase = { baseUrl: 'http://127.0.0.1:9100', endpoints: [{ name: 'a', path: '/ok' }] }
    expect(resolve(withBase, env).endpoints[0]?.url).toBe('http://127.0.0.1:9100/ok')
    expect(() => resolve({ endpoints: [{ name: 'a', path: '/ok' }] }, env)).toThrow(
      'PERF_BASE_URL: got "staging.example.com"; expected an http:// or https:// URL',
    )
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

  it('refuses a rule on a component or metric the monitor does not have', () => {
    const endpoints = [
      { name: 'api', url: 'http://127.0.0.1:1/' },
      { name: 'search', url: 'http://127.0.0.1:1/s' },
    ]
    const rule = (patch: Record<string, unknown>) => ({
      endpoints,
      alerts: { rules: [{ ...P95_RULE, ...patch }] },
    })

    expect(errorOf(() => resolve(rule({ component: 'nope' }))).message).toBe(
      'alerts.rules[0].component: got "nope"; allowed: host, custom, api, search',
    )
    expect(errorOf(() => resolve(rule({ component: 'serach' }))).message).toBe(
      'alerts.rules[0].component: got "serach"; did you mean search? allowed: host, custom, api, search',
    )
    const host = errorOf(() => resolve(rule({ component: 'host', metric: 'cpuu' })))
    expect(host.option).toBe('alerts.rules[0].metric')
    expect(host.message).toBe(
      'alerts.rules[0].metric: got "cpuu"; did you mean cpu? ' +
        'allowed for host: cpu, memory, disk, network_rx, network_tx, load',
    )
    expect(errorOf(() => resolve(rule({ metric: 'p959' }))).message).toBe(
      'alerts.rules[0].metric: got "p959"; did you mean p95? ' +
        'allowed for endpoint api: p50, p95, p99, availability',
    )
    // Without endpoints only host and custom are there.
    expect(errorOf(() => resolve({ alerts: { rules: [P95_RULE] } })).message).toBe(
      'alerts.rules[0].component: got "api"; allowed: host, custom (no endpoints are configured)',
    )

    // Every series the API serves is accepted; a custom metric is a collector's, which
    // addCollector may add after the start, so it is not judged here.
    for (const [component, metric] of [
      ['host', 'network_tx'],
      ['search', 'availability'],
      ['custom', 'queue_depth'],
    ]) {
      expect(resolve(rule({ component, metric })).alerts.rules[0]).toMatchObject({
        component,
        metric,
      })
    }
    // Endpoints given by path and the base URL from the environment count as well.
    expect(
      resolve(
        { endpoints: [{ name: 'api', path: '/x' }], alerts: { rules: [P95_RULE] } },
        { PERF_BASE_URL: 'http://127.0.0.1:1' },
      ).alerts.rules,
    ).toHaveLength(1)
    // createMonitor checks the same way, before anything binds.
    expect(() => createMonitor(rule({ component: 'nope' }))).toThrow(
      /alerts\.rules\[0\]\.component: got "nope"/,
    )
  })

  it('names every value error of a configured notifier by its path', () => {
    const notifier = (config: Record<string, unknown>) => () =>
      resolve({ alerts: { notifiers: [config as never] } })
    const slack = { kind: 'slack', webhookUrl: 'https://hooks.example/T0/secret' }
    const pagerduty = { kind: 'pagerduty', routingKey: 'key-1234' }
    const webhook = { kind: 'webhook', url: 'https://hook.example/' }
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ kind: 'slack' }, 'webhookUrl', /^got undefined; allowed: an http:\/\/ or https:\/\/ URL$/],
      [{ ...slack, webhookUrl: 'hooks.example/T0/secret' }, 'webhookUrl', /not an http\(s\) URL/],
      [{ kind: 'pagerduty' }, 'routingKey', /^got undefined; allowed: the integration key/],
      [{ ...pagerduty, url: 'ftp://events.example/' }, 'url', /allowed: an http:\/\/ or/],
      [{ ...pagerduty, source: '' }, 'source', /^got ""; allowed: a non-empty string/],
      [{ kind: 'webhook' }, 'url', /^got undefined; allowed: an http/],
      [{ ...webhook, headers: 'Bearer t0ken' }, 'headers', /^got a string; allowed: an object/],
      [{ ...webhook, headers: { authorization: 42 } }, 'headers.authorization', /^got a number/],
      [{ ...slack, timeoutMs: 0 }, 'timeoutMs', /^got 0; allowed: a number of ms from 1 to/],
      [{ ...slack, retries: 1.5 }, 'retries', /^got 1\.5; allowed: an integer, 0 or more$/],
      [{ ...slack, queueSize: 0 }, 'queueSize', /^got 0; allowed: an integer, 1 or more$/],
      [{ ...slack, minSeverity: 'P1' }, 'minSeverity', /^got "P1"; allowed: critical, high/],
      [{ ...slack, name: '' }, 'name', /^got ""; allowed: a non-empty string$/],
    ]
    for (const [config, key, allowed] of cases) {
      const error = errorOf(notifier(config))
      const option = `alerts.notifiers[0].${key}`
      expect(error.option).toBe(option)
      expect(error.message.startsWith(`${option}: `)).toBe(true)
      expect(error.message.slice(option.length + 2)).toMatch(allowed)
      // Secrets are never quoted back.
      expect(error.message).not.toMatch(/secret|t0ken/)
    }
    // The index is the notifier's own.
    expect(
      errorOf(() =>
        resolve({ alerts: { notifiers: [slack as never, { kind: 'slack' } as never] } }),
      ).option,
    ).toBe('alerts.notifiers[1].webhookUrl')
  })

  it('suggests the option an unknown notifier key means, and lists only documented ones', () => {
    const error = errorOf(() =>
      resolve({
        alerts: {
          notifiers: [
            { kind: 'pagerduty', routingKey: 'key-1234', eventsUrl: 'https://x.example/' } as never,
          ],
        },
      }),
    )
    expect(error.message).toBe(
      'alerts.notifiers[0].eventsUrl: unknown option; did you mean url? allowed: routingKey, ' +
        'url, source, kind, name, minSeverity, timeoutMs, retries, backoffMs, maxBackoffMs, ' +
        'maxRetryAfterMs, queueSize',
    )
    // The jitter source is for code and tests (createNotifier), not a config option.
    const random = errorOf(() =>
      resolve({
        alerts: {
          notifiers: [{ kind: 'webhook', url: 'https://h.example/', random: () => 0 } as never],
        },
      }),
    )
    expect(random.option).toBe('alerts.notifiers[0].random')
    expect(random.message).not.toMatch(/allowed: .*random/)
  })

  it('takes MONITOR_PORT and MONITORING_INTERVAL in decimal only', () => {
    expect(resolve({}, { MONITOR_PORT: '9100', MONITORING_INTERVAL: '1e1' })).toMatchObject({
      port: 9100,
      intervalMs: 10_000,
    })
    expect(errorOf(() => resolve({}, { MONITOR_PORT: '0x10' })).message).toBe(
      'MONITOR_PORT: got "0x10"; expected an integer from 0 to 65535',
    )
    expect(errorOf(() => resolve({}, { MONITOR_PORT: '70000' })).option).toBe('MONITOR_PORT')
    expect(errorOf(() => resolve({}, { MONITORING_INTERVAL: '0x10' })).message).toMatch(
      /^MONITORING_INTERVAL: got "0x10"; expected seconds, a decimal number from 0.05/,
    )
  })

  it('refuses an unknown key at every level, naming its full path and the nearest name', () => {
    const endpoint = { name: 'api', url: 'http://127.0.0.1:1/' }
    const rule = P95_RULE
    const cases: Array<[unknown, string, string]> = [
      [{ intervall: 2000 }, 'intervall', 'did you mean intervalMs?'],
      [
        { endpoints: [{ ...endpoint, objective: { p95: 5 } }] },
        'endpoints[0].objective',
        'did you mean objectives?',
      ],
      [
        { endpoints: [endpoint, { ...endpoint, name: 'b', objectives: { p96: 5 } }] },
        'endpoints[1].objectives.p96',
        'did you mean p95?',
      ],
      [{ probe: { timeout: 100 } }, 'probe.timeout', 'did you mean timeoutMs?'],
      [{ levels: { cpuu: { warning: 60 } } }, 'levels.cpuu', 'did you mean cpu?'],
      [
        { levels: { memory: { warn: 60 } } },
        'levels.memory.warn',
        'allowed: normal, warning, critical',
      ],
      [
        { alerts: { repeatInterval: 1000 } },
        'alerts.repeatInterval',
        'did you mean repeatIntervalMs?',
      ],
      [
        { alerts: { rules: [{ ...rule, treshold: 5 }] } },
        'alerts.rules[0].treshold',
        'did you mean threshold?',
      ],
      [
        { alerts: { notifiers: [{ kind: 'slack', webhookURL: 'https://hooks.example/x' }] } },
        'alerts.notifiers[0].webhookURL',
        'did you mean webhookUrl?',
      ],
      [
        { alerts: { notifiers: [{ kind: 'webhook', url: 'https://h.example/', header: {} }] } },
        'alerts.notifiers[0].header',
        'did you mean headers?',
      ],
      [
        { alerts: { notifiers: [{ kind: 'slak', webhookUrl: 'https://hooks.example/x' }] } },
        'alerts.notifiers[0].kind',
        'did you mean slack?',
      ],
    ]
    for (const [options, option, hint] of cases) {
      const error = errorOf(() => resolve(options as Parameters<typeof resolve>[0]))
      expect(error.option).toBe(option)
      expect(error.message).toContain(option)
      expect(error.message).toContain(hint)
    }
    expect(errorOf(() => resolve({ intervall: 2000 } as never)).message).toMatch(
      /^intervall: unknown option; did you mean intervalMs\? allowed: endpoints, baseUrl, intervalMs,/,
    )
    // A key far from every name gets the allowed list, without a guess.
    expect(errorOf(() => resolve({ colour: 'red' } as never)).message).toMatch(
      /^colour: unknown option; allowed: /,
    )
    // createMonitor checks the same way, before anything binds.
    expect(() => createMonitor({ intervall: 2000 } as never)).toThrow(/intervall: unknown option/)
  })

  it('keeps every documented key, notifier tuning included', () => {
    const o = resolve({
      endpoints: [
        {
          name: 'api',
          method: 'POST',
          url: 'http://127.0.0.1:1/x',
          body: { a: 1 },
          headers: { 'x-key': 'v' },
          objectives: { p50: 10, p95: 20, p99: 30, availability: 99 },
        },
      ],
      probe: { requests: 2, timeoutMs: 300 },
      levels: { cpu: { normal: 30, warning: 60, critical: 80 } },
      alerts: {
        defaultRules: false,
        forMs: 0,
        repeatIntervalMs: 0,
        notifiers: [
          {
            kind: 'pagerduty',
            routingKey: 'key-1234',
            url: 'https://events.example/v2/enqueue',
            source: 'host-a',
            name: 'pd',
            minSeverity: 'high',
            timeoutMs: 2000,
            retries: 1,
            backoffMs: 100,
            maxBackoffMs: 1000,
            maxRetryAfterMs: 5000,
            queueSize: 10,
            // No cast: the notifier config type lists its tuning, so typecheck holds it to them.
          },
        ],
      },
    })
    expect(o.endpoints[0]?.objectives).toEqual({ p50: 10, p95: 20, p99: 30, availability: 99 })
    expect(o.probe).toEqual({ requests: 2, timeoutMs: 300 })
    expect(o.levels.cpu).toEqual({ normal: 30, warning: 60, critical: 80 })
    expect(o.alerts.notifiers).toHaveLength(1)
  })

  it('takes collectors by name, and names a bad one', () => {
    const depth = () => 3
    expect(resolve({ collectors: { queue_depth: depth } }).collectors).toEqual({
      queue_depth: depth,
    })
    expect(resolve({}).collectors).toEqual({})
    expect(errorOf(() => resolve({ collectors: [depth] as never })).message).toBe(
      'collectors: got an array of 1; expected an object of { name: function }',
    )
    expect(errorOf(() => resolve({ collectors: { depth: 3 as never } })).message).toBe(
      'collectors.depth: got 3; expected a function returning a number or { key: number }',
    )
    expect(errorOf(() => resolve({ collectors: { 'queue depth': depth } })).message).toBe(
      'collectors.queue depth: got "queue depth"; expected a name of 1 to 64 letters, digits, "_", "." or "-"',
    )
  })

  it('bounds every duration that ends up in a timer at 24 hours', () => {
    const day = 86_400_000
    expect(resolve({ intervalMs: day }).intervalMs).toBe(day)
    const interval = errorOf(() => resolve({ intervalMs: 1e12 }))
    expect(interval.option).toBe('intervalMs')
    expect(interval.message).toBe(
      'intervalMs: got 1000000000000; expected milliseconds, a number from 50 to 86400000 (24 h)',
    )
    expect(resolve({}, { MONITORING_INTERVAL: '86400' }).intervalMs).toBe(day)
    const env = errorOf(() => resolve({}, { MONITORING_INTERVAL: '86401' }))
    expect(env.message).toBe(
      'MONITORING_INTERVAL: got "86401"; expected seconds, a decimal number from 0.05 to 86400 (24 h)',
    )
    expect(errorOf(() => resolve({}, { MONITORING_INTERVAL: '1e999' })).option).toBe(
      'MONITORING_INTERVAL',
    )

    const probe = errorOf(() => resolve({ probe: { timeoutMs: day + 1 } }))
    expect(probe.option).toBe('probe.timeoutMs')
    expect(probe.message).toMatch(/at most 86400000 \(24 h\)$/)
    expect(resolve({ probe: { timeoutMs: day } }).probe.timeoutMs).toBe(day)

    expect(resolve({}).heartbeatMs).toBe(30_000)
    expect(resolve({ heartbeatMs: day }).heartbeatMs).toBe(day)
    const heartbeat = errorOf(() => resolve({ heartbeatMs: day + 1 }))
    expect(heartbeat.option).toBe('heartbeatMs')
    expect(heartbeat.message).toMatch(/^heartbeatMs: got 86400001; .*100.*86400000/)
    expect(errorOf(() => resolve({ heartbeatMs: 50 })).option).toBe('heartbeatMs')

    const notifier = (patch: Record<string, unknown>) => () =>
      resolve({
        alerts: {
          notifiers: [{ kind: 'webhook', url: 'https://hook.example/', ...patch } as never],
        },
      })
    for (const key of ['timeoutMs', 'backoffMs', 'maxBackoffMs', 'maxRetryAfterMs']) {
      const error = errorOf(notifier({ [key]: 1e12 }))
      expect(error.option).toBe(`alerts.notifiers[0].${key}`)
      expect(error.message).toMatch(/allowed: a number of ms from [01] to 86400000 \(24 h\)$/)
    }
    expect(errorOf(notifier({ timeoutMs: 0 })).option).toBe('alerts.notifiers[0].timeoutMs')
    expect(() => notifier({ timeoutMs: day })()).not.toThrow()

    expect(errorOf(() => resolve({}, { ALERT_NOTIFY_TIMEOUT_MS: String(day + 1) })).option).toBe(
      'ALERT_NOTIFY_TIMEOUT_MS',
    )
    expect(() => resolve({}, { ALERT_NOTIFY_TIMEOUT_MS: '5000' })).not.toThrow()
  })
})

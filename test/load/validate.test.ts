import { afterEach, describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import type { Scenario } from '../../src/load/index.js'
import { runLoad, validateScenario } from '../../src/load/index.js'

const url = 'http://127.0.0.1:9/'

/** The PerfConfigError a scenario is rejected with (fails the test when it is accepted). */
function rejection(scenario: unknown): PerfConfigError {
  try {
    validateScenario(scenario as Scenario)
  } catch (error) {
    expect(error).toBeInstanceOf(PerfConfigError)
    return error as PerfConfigError
  }
  throw new Error(`accepted ${JSON.stringify(scenario)}`)
}

describe('validateScenario rejects bad input before anything is sent', () => {
  const saved = { perf: process.env.PERF_BASE_URL, sutazai: process.env.SUTAZAI_BASE_URL }
  afterEach(() => {
    process.env.PERF_BASE_URL = saved.perf
    process.env.SUTAZAI_BASE_URL = saved.sutazai
    if (saved.perf === undefined) delete process.env.PERF_BASE_URL
    if (saved.sutazai === undefined) delete process.env.SUTAZAI_BASE_URL
  })

  it('a missing URL, naming url and how to give one', () => {
    delete process.env.PERF_BASE_URL
    delete process.env.SUTAZAI_BASE_URL
    const error = rejection({ duration: '1s' })
    expect(error.option).toBe('url')
    expect(error.message).toMatch(/url: missing; give an absolute http\(s\) URL/)
  })

  it('a non-http URL, naming the value and the allowed schemes', () => {
    const error = rejection({ url: 'ftp://example.test/file' })
    expect(error.option).toBe('url')
    expect(error.message).toContain('"ftp://example.test/file"')
    expect(error.message).toContain('http: or https:')
  })

  it('a relative path with no base URL', () => {
    delete process.env.PERF_BASE_URL
    delete process.env.SUTAZAI_BASE_URL
    const error = rejection({ url: '/users' })
    expect(error.option).toBe('url')
    expect(error.message).toContain('"/users"')
    expect(error.message).toContain('set the baseUrl option or PERF_BASE_URL')
  })

  it('resolves a relative path against baseUrl, then PERF_BASE_URL, keeping the base path', () => {
    const fromOption = validateScenario({
      url: '/users?id=1',
      baseUrl: 'http://127.0.0.1:8080/api',
    })
    expect(fromOption.requests[0]?.url).toBe('http://127.0.0.1:8080/api/users?id=1')
    expect(fromOption.requests[0]?.path).toBe('/api/users?id=1')

    process.env.PERF_BASE_URL = 'http://127.0.0.1:7070'
    const fromEnv = validateScenario({ url: '/health' })
    expect(fromEnv.origin).toBe('http://127.0.0.1:7070')
    expect(fromEnv.label).toBe('GET /health')
  })

  it('leaves a PERF_BASE_URL that is not a URL alone until a relative path needs it', () => {
    process.env.PERF_BASE_URL = 'staging.example.com'
    // Absolute URLs, or a baseUrl option: the variable plays no part.
    expect(validateScenario({ url: 'http://127.0.0.1:8080/ok' }).origin).toBe(
      'http://127.0.0.1:8080',
    )
    expect(validateScenario({ url: '/ok', baseUrl: 'http://127.0.0.1:8081' }).origin).toBe(
      'http://127.0.0.1:8081',
    )
    // A relative path would resolve against it: the variable is named, as before.
    const error = rejection({ url: '/ok' })
    expect(error.option).toBe('PERF_BASE_URL')
    expect(error.message).toBe(
      'PERF_BASE_URL: got "staging.example.com"; allowed: an absolute http(s) URL like http://localhost:3000',
    )
  })

  it('the default label keeps the path and query but not the values of secret parameters', () => {
    const scenario = validateScenario({
      url: 'http://user:pass@127.0.0.1:8080/ok?api_key=SEKRET1&token=SEKRET2&page=2',
    })
    expect(scenario.label).toBe('GET /ok?api_key=***&token=***&page=2')
    expect(scenario.target).toEqual({
      kind: 'http',
      method: 'GET',
      url: 'http://127.0.0.1:8080/ok?api_key=***&token=***&page=2',
    })
    expect(validateScenario({ url: 'http://127.0.0.1:8080/search?q=x' }).label).toBe(
      'GET /search?q=x',
    )
  })

  it('a bad baseUrl', () => {
    expect(rejection({ url: '/x', baseUrl: 'localhost:3000' }).option).toBe('baseUrl')
  })

  it.each([0, -5, Number.NaN, '100', Number.POSITIVE_INFINITY])('rate %s', rate => {
    const error = rejection({ url, rate, duration: '1s' })
    expect(error.option).toBe('rate')
    expect(error.message).toMatch(/^rate: got .*; allowed: requests per second, a number above 0/)
  })

  it.each([0, -1, 2.5, 1_000_000, '10'])('connections %s', connections => {
    const error = rejection({ url, connections })
    expect(error.option).toBe('connections')
    expect(error.message).toContain('allowed: a whole number from 1 to 10000')
  })

  it.each([
    ['duration', 'ten seconds'],
    ['duration', '5 parsecs'],
    ['duration', -1],
    ['duration', 0],
    ['warmup', 'soon'],
    ['timeout', '0s'],
    ['thinkTime', '1 minute'],
  ])('an unparseable or empty %s (%s)', (option, value) => {
    const error = rejection({ url, [option]: value })
    expect(error.option).toBe(option)
    expect(error.message).toContain(option)
    expect(error.message).toMatch(/'30s'|duration above 0/)
  })

  it('a length that must be above 0 says so whatever the mistake; a warm-up may be 0', () => {
    for (const duration of [-5, 0, '0s', 'soon']) {
      expect(rejection({ url, duration }).message).toContain(
        "; allowed: a duration above 0, in ms or like '500ms'",
      )
    }
    expect(rejection({ url, timeout: -1 }).message).toContain('allowed: a duration above 0')
    expect(rejection({ url, stages: [{ duration: -1, target: 5 }] }).message).toContain(
      'allowed: a duration above 0',
    )
    expect(rejection({ url, warmup: -5 }).message).toContain(
      'allowed: milliseconds as a number >= 0',
    )
    expect(validateScenario({ url, warmup: 0 }).warmupMs).toBe(0)
  })

  // Node fires a timer of more than 2^31 - 1 ms after 1 ms instead, so such a run would end
  // at once and look complete.
  it.each([
    ['duration', { duration: '600h' }],
    ['duration', { duration: 2_147_483_648 }],
    ['timeout', { timeout: '597h' }],
    ['warmup', { warmup: '600h', iterations: 10 }],
    ['thinkTime', { thinkTime: '600h' }],
    ['stages[0].duration', { rate: 1, stages: [{ duration: '600h', target: 5 }] }],
    ['abortOnFail.after', { objectives: { p95: 100 }, abortOnFail: { after: '600h' } }],
  ])('%s longer than a timer can wait', (option, extra) => {
    const error = rejection({ url, ...extra })
    expect(error.option).toBe(option)
    expect(error.message.startsWith(`${option}: got `)).toBe(true)
    expect(error.message).toContain('; allowed: at most 24.8 days')
    expect(error.message).toContain('(2147483647 ms)')
  })

  it('stages, or warmup and duration, that together last longer than a timer can wait', () => {
    const stages = rejection({
      url,
      rate: 1,
      stages: [
        { duration: '300h', target: 5 },
        { duration: '300h', target: 5 },
      ],
    })
    expect(stages.option).toBe('stages')
    expect(stages.message).toBe(
      'stages: got 2 stages that last 25 days together; allowed: at most 24.8 days (2147483647 ms), the longest a Node.js timer can wait',
    )
    const warmup = rejection({ url, warmup: '300h', duration: '300h' })
    expect(warmup.option).toBe('warmup')
    expect(warmup.message).toContain('which last 25 days together; allowed: at most 24.8 days')
  })

  it('runLoad refuses a 600h duration instead of ending at once', async () => {
    await expect(runLoad({ url, duration: '600h', connections: 1 })).rejects.toThrow(
      /^duration: got "600h"; allowed: at most 24.8 days \(2147483647 ms\)/,
    )
  })

  it('empty stages', () => {
    const error = rejection({ url, stages: [] })
    expect(error.option).toBe('stages')
    expect(error.message).toContain('non-empty array of { duration, target }')
  })

  it('a stage with a negative target or duration, naming the stage', () => {
    const target = rejection({
      url,
      stages: [
        { duration: '1s', target: 10 },
        { duration: '1s', target: -3 },
      ],
    })
    expect(target.option).toBe('stages[1].target')
    expect(target.message).toContain('got -3')
    const duration = rejection({ url, stages: [{ duration: -1000, target: 10 }] })
    expect(duration.option).toBe('stages[0].duration')
  })

  it('a stage with a misspelt key', () => {
    const error = rejection({ url, stages: [{ duration: '1s', traget: 10 }] })
    expect(error.option).toBe('stages[0].traget')
    expect(error.message).toContain('did you mean target?')
  })

  it('both duration and iterations', () => {
    const error = rejection({ url, duration: '10s', iterations: 100 })
    expect(error.message).toContain('duration and iterations: got both')
  })

  it.each([0, -1, 1.5])('iterations %s', iterations => {
    expect(rejection({ url, iterations }).option).toBe('iterations')
  })

  it('an unknown option, with the close name suggested', () => {
    const error = rejection({ url, conections: 10 })
    expect(error.option).toBe('conections')
    expect(error.message).toContain('conections: unknown option; did you mean connections?')
    expect(error.message).toContain('allowed: name, url')
  })

  it('an unknown option far from any name, without a guess', () => {
    const error = rejection({ url, flux: true })
    expect(error.message).toMatch(/^flux: unknown option; allowed: /)
  })

  it('an unknown key in a request entry', () => {
    const error = rejection({ requests: [{ url, methd: 'POST' }] })
    expect(error.option).toBe('requests[0].methd')
    expect(error.message).toContain('did you mean method?')
  })

  it('requests that go to two origins', () => {
    const error = rejection({ requests: [{ url }, { url: 'http://127.0.0.1:10/' }] })
    expect(error.option).toBe('requests[1].url')
    expect(error.message).toContain('one origin')
  })

  it.each([
    [{ expectStatus: 42 }, 'expectStatus'],
    [{ expectStatus: [] }, 'expectStatus'],
    [{ expectStatus: { min: 500, max: 200 } }, 'expectStatus'],
    [{ check: 'ok' }, 'check'],
    [{ pipelining: 0 }, 'pipelining'],
    [{ method: 'GET /' }, 'method'],
    [{ body: 12 }, 'body'],
    [{ headers: { 'x-a': { nested: true } } }, 'headers.x-a'],
    [{ signal: {} }, 'signal'],
    [{ name: '' }, 'name'],
    [{ onProgress: 1 }, 'onProgress'],
  ])('%j', (extra, option) => {
    expect(rejection({ url, ...extra }).option).toBe(option)
  })

  it.each([
    ['CR', 'a\r\nb: c', 2],
    ['LF', 'Bearer s3cret\n', 14],
    ['NUL', 's3cret\0', 7],
  ])(
    'a header value holding %s, naming the header and not repeating the value',
    (char, value, at) => {
      const error = rejection({ url, headers: { Authorization: value } })
      expect(error.option).toBe('headers.Authorization')
      expect(error.message).toContain(
        `headers.Authorization: the value holds ${char} at character ${at};`,
      )
      expect(error.message).toContain(
        'allowed: a value without CR, LF, NUL or other control characters',
      )
      expect(error.message).not.toContain(value.trim())
    },
  )

  it('a header value with CR in a request entry, and a value that only has a tab', () => {
    const error = rejection({ requests: [{ url, headers: { 'x-a': 'a\rb' } }] })
    expect(error.option).toBe('requests[0].headers.x-a')
    expect(
      validateScenario({ url, headers: { 'x-a': 'a\tb' } }).requests[0]?.dispatch.headers,
    ).toEqual({
      'x-a': 'a\tb',
    })
  })

  it('a header name that is not a token, and a header undici refuses from a caller', () => {
    for (const name of ['x a', 'x-a:', '', 'x\r\ny']) {
      const error = rejection({ url, headers: { [name]: '1' } })
      expect(error.option).toBe(`headers[${JSON.stringify(name)}]`)
      expect(error.message).toContain(': not a header name; allowed: letters, digits and')
    }
    expect(rejection({ url, headers: { 'Transfer-Encoding': 'chunked' } }).message).toBe(
      'headers.Transfer-Encoding: undici, which sends the requests, sets or refuses this header itself; remove it',
    )
    expect(rejection({ url, headers: { expect: '100-continue' } }).option).toBe('headers.expect')
  })

  it('open-model options in the closed model and the reverse', () => {
    expect(rejection({ url, maxInFlight: 10 }).option).toBe('maxInFlight')
    expect(rejection({ url, rate: 10, thinkTime: '1s' }).option).toBe('thinkTime')
    expect(
      rejection({ url, rate: 10, stages: [{ duration: '1s', target: 5 }], duration: '1s' }).option,
    ).toBe('duration')
  })

  it('abortOnFail without objectives, and with a window under a second', () => {
    expect(rejection({ url, abortOnFail: true }).option).toBe('abortOnFail')
    const error = rejection({ url, objectives: { p95: 100 }, abortOnFail: { window: 500 } })
    expect(error.option).toBe('abortOnFail.window')
  })

  it('objectives that HARNESS cannot read', () => {
    expect(() => validateScenario({ url, objectives: { p96: 100 } as never })).toThrow(/p96/)
  })

  it('runLoad rejects (never sends) on a bad scenario', async () => {
    await expect(runLoad({ url, rate: -1 })).rejects.toThrow(PerfConfigError)
  })
})

describe('validateScenario resolves defaults', () => {
  it('closed model: 10 connections, 10 s, timeout 10 s, 200-399 expected', () => {
    const resolved = validateScenario({ url })
    expect(resolved.model).toBe('closed')
    expect(resolved.connections).toBe(10)
    expect(resolved.durationMs).toBe(10_000)
    expect(resolved.iterations).toBeNull()
    expect(resolved.timeoutMs).toBe(10_000)
    expect([199, 200, 399, 400].map(resolved.expectStatus)).toEqual([false, true, true, false])
  })

  it('a soak of a day or two, and the longest timer, are allowed', () => {
    expect(validateScenario({ url, duration: '24h' }).durationMs).toBe(86_400_000)
    expect(validateScenario({ url, duration: '48h', warmup: '1h' }).durationMs).toBe(172_800_000)
    expect(validateScenario({ url, duration: 2_147_483_647 }).durationMs).toBe(2_147_483_647)
    expect(
      validateScenario({ url, rate: 1, stages: [{ duration: '48h', target: 5 }] }).durationMs,
    ).toBe(172_800_000)
  })

  it('iterations alone bound the run: no default duration', () => {
    const resolved = validateScenario({ url, iterations: 5 })
    expect(resolved.durationMs).toBeNull()
    expect(resolved.iterations).toBe(5)
  })

  it('open model: stages set the duration; rate is the start', () => {
    const resolved = validateScenario({
      url,
      rate: 5,
      stages: [
        { duration: '2s', target: 50 },
        { duration: 500, target: 0 },
      ],
    })
    expect(resolved.model).toBe('open')
    expect(resolved.durationMs).toBe(2500)
    expect(resolved.rate).toBe(5)
    expect(resolved.maxInFlight).toBe(1000)
    expect(resolved.stages).toEqual([
      { durationMs: 2000, target: 50 },
      { durationMs: 500, target: 0 },
    ])
  })

  it('JSON bodies get a content type; strings and bytes are sent as given', () => {
    const json = validateScenario({ url, method: 'post', body: { a: 1 } }).requests[0]
    expect(json?.method).toBe('POST')
    expect(json?.dispatch.body).toBe('{"a":1}')
    expect(json?.dispatch.headers).toEqual({ 'content-type': 'application/json' })
    const bytes = validateScenario({ url, body: Buffer.from('raw') }).requests[0]
    expect(Buffer.isBuffer(bytes?.dispatch.body)).toBe(true)
  })

  it('redacts credentials and secret query values in the target', () => {
    const resolved = validateScenario({ url: 'http://user:pw@127.0.0.1:9/x?token=abc&page=2' })
    expect(resolved.target.url).toBe('http://127.0.0.1:9/x?token=***&page=2')
  })
})

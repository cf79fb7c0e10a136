import { describe, expect, test } from 'vitest'
import { renderHtml } from '../../reporters/html/render.js'
import { renderJson } from '../../reporters/json.js'
import { renderMarkdown } from '../../reporters/markdown.js'
import { isSecretKey, REDACTED, redact, redactText } from '../../reporters/redact.js'
import { syntheticReport } from './synthetic.js'

describe('redactText', () => {
  test.each([
    ['http://h/x?token=abc&page=2', 'http://h/x?token=[redacted]&page=2'],
    ['http://h/x?page=1&api_key=abc#frag', 'http://h/x?page=1&api_key=[redacted]#frag'],
    [
      'http://h/x?apiKey=abc&Password=p&client_secret=s',
      'http://h/x?apiKey=[redacted]&Password=[redacted]&client_secret=[redacted]',
    ],
    ['http://h/x?access_token=a;key=b', 'http://h/x?access_token=[redacted];key=[redacted]'],
    ['https://user:pa55@host:8080/path', 'https://user:[redacted]@host:8080/path'],
    ['Authorization: Bearer abc.def', 'Authorization: [redacted]'],
    [
      'sent cookie=session=1; proxy-authorization: Basic Zm9v',
      'sent cookie=[redacted]; proxy-authorization: [redacted]',
    ],
    ['failed with Bearer eyJhbGciOi.x-y_z', 'failed with Bearer [redacted]'],
    ['x-api-key: k-123', 'x-api-key: [redacted]'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected)
  })

  test('leaves ordinary text and URLs alone', () => {
    const text = 'GET http://127.0.0.1:3000/api/items?page=2&limit=10 took 12 ms; p95 <= 300'
    expect(redactText(text)).toBe(text)
    expect(redactText('keyboard tokenizer monkey')).toBe('keyboard tokenizer monkey')
  })
})

describe('isSecretKey', () => {
  test('knows credential headers and option names by their last segment', () => {
    for (const key of [
      'Authorization',
      'headers.cookie',
      'headers.X-Api-Key',
      'Proxy-Authorization',
      'password',
      'auth.token',
      'api_key',
      'clientSecret'.replace('S', '_s'),
    ]) {
      expect(isSecretKey(key), key).toBe(true)
    }
    for (const key of [
      'connections',
      'rate',
      'timeout',
      'headers.accept',
      'url',
      'method',
      'p95',
    ]) {
      expect(isSecretKey(key), key).toBe(false)
    }
  })
})

describe('redact', () => {
  test('replaces values under secret keys at any depth and secrets inside strings', () => {
    const input = {
      settings: {
        'headers.Authorization': 'Bearer x',
        connections: 10,
        password: 1234,
        url: 'http://h/?token=t',
      },
      nested: [{ Cookie: { a: 'b' } }, 'Basic Zm9vOmJhcg=='],
    }
    expect(redact(input)).toEqual({
      settings: {
        'headers.Authorization': REDACTED,
        connections: 10,
        password: REDACTED,
        url: `http://h/?token=${REDACTED}`,
      },
      nested: [{ Cookie: { a: REDACTED } }, `Basic ${REDACTED}`],
    })
    expect(input.settings.password).toBe(1234) // a copy: the input is untouched
  })

  test('no secret reaches the JSON, the HTML or the Markdown summary', () => {
    const report = syntheticReport(2)
    const scenario = report.scenarios[0]!
    scenario.target = {
      kind: 'http',
      method: 'GET',
      url: 'http://127.0.0.1:9/?token=SECRET1&page=2',
    }
    scenario.settings = {
      'headers.Authorization': 'Bearer SECRET2',
      'headers.X-Api-Key': 'SECRET3',
      'headers.Cookie': 'sid=SECRET4',
      'headers.Proxy-Authorization': 'Basic SECRET5',
      secret: 'SECRET6',
      url: 'http://u:SECRET7@127.0.0.1/?password=SECRET8&key=SECRET9',
    }
    scenario.name = 'login with api_key=SECRET10'
    scenario.stopReason = 'Authorization: Bearer SECRET11 rejected'
    report.tests.push({
      id: 'x',
      name: 'x',
      file: 'x',
      tags: [],
      state: 'failed',
      error: 'GET /?secret=SECRET12 failed',
    })

    const clean = redact(report)
    const outputs = [renderJson(clean), renderHtml(clean), renderMarkdown(clean)]
    for (const output of outputs) {
      expect(output).not.toMatch(/SECRET\d/)
      expect(output).toContain('[redacted]')
    }
    expect(clean.scenarios[0]?.target).toEqual({
      kind: 'http',
      method: 'GET',
      url: 'http://127.0.0.1:9/?token=[redacted]&page=2',
    })
    // the figures themselves are untouched
    expect(clean.scenarios[0]?.latencyMs).toEqual(report.scenarios[0]?.latencyMs)
    expect(clean.scenarios[0]?.histogram).toBe(report.scenarios[0]?.histogram)
  })
})

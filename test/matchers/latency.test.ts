import hdr from 'hdr-histogram-js'
import type { RunnerTestCase } from 'vitest'
import { describe, expect, it } from 'vitest'
import { latency, makeResult } from '../slo/make-result.js'
import { failure } from '../support/assertions.js'

const result = makeResult()

describe('latency matchers on a LoadResult', () => {
  it('pass when the percentile is within budget', () => {
    expect(result).toMeetP50(10)
    expect(result).toMeetP95(31.2)
    expect(result).toMeetP99(50)
    expect(result).toMeetPercentile(99.9, 40)
  })

  it('fail with what was asked, what was measured and the context', () => {
    expect(failure(() => expect(result).toMeetP95(25))).toBe(
      'expected p95 latency ≤ 25 ms, measured 31.2 ms (p50 9.8, p99 48.0 ms; 12,345 requests, 99.97% succeeded)',
    )
    expect(failure(() => expect(result).toMeetP50(5))).toMatch(
      /^expected p50 latency ≤ 5 ms, measured 9.8 ms/,
    )
    expect(failure(() => expect(result).toMeetPercentile(99.9, 30))).toMatch(
      /^expected p99.9 latency ≤ 30 ms, measured 39.2 ms/,
    )
  })

  it('work with .not, saying the inverse bound', () => {
    expect(result).not.toMeetP95(25)
    expect(failure(() => expect(result).not.toMeetP95(40))).toMatch(
      /^expected p95 latency > 40 ms, measured 31.2 ms/,
    )
  })

  it('judge the open model on corrected latency unless raw is asked for', () => {
    const open = makeResult({
      model: 'open',
      latencyMs: latency({ p95: 20 }),
      correctedLatencyMs: latency({ p95: 400 }),
    })
    expect(failure(() => expect(open).toMeetP95(100))).toMatch(
      /^expected corrected p95 latency ≤ 100 ms, measured 400.0 ms .* corrected;/,
    )
    expect(open).toMeetP95(100, { latency: 'raw' })
  })

  it('read other percentiles from the result histogram (µs)', () => {
    const histogram = hdr.build({ bitBucketSize: 32, useWebAssembly: false })
    for (let ms = 1; ms <= 1000; ms++) histogram.recordValue(ms * 1000)
    const encoded = hdr.encodeIntoCompressedBase64(histogram)
    histogram.destroy()
    const withHistogram = makeResult({ histogram: encoded })

    expect(withHistogram).toMeetPercentile(97.5, 976)
    expect(failure(() => expect(withHistogram).toMeetPercentile(97.5, 900))).toMatch(
      /^expected p97.5 latency ≤ 900 ms, measured 975.\d ms/,
    )
    expect(failure(() => expect(result).toMeetPercentile(97.5, 900))).toMatch(
      /could not be measured: the result carries no histogram to read p97.5 from/,
    )
  })

  it('fail latency objectives when nothing completed, also under .not', () => {
    const empty = makeResult({
      requests: { total: 0, succeeded: 0, failed: 0, dropped: 5 },
      statusCodes: {},
    })
    expect(failure(() => expect(empty).toMeetP95(100))).toMatch(/no request got a response/)
    expect(failure(() => expect(empty).not.toMeetP95(100))).toMatch(/no request got a response/)
  })

  it('fail latency objectives when every request timed out or was refused', () => {
    const unanswered = makeResult({
      requests: { total: 8, succeeded: 0, failed: 8, dropped: 0 },
      successRate: 0,
      statusCodes: {},
      errors: { timeout: 8 },
    })
    expect(failure(() => expect(unanswered).toMeetP95(50))).toMatch(
      /p95 latency ≤ 50 ms, but it could not be measured: no request got a response/,
    )
    expect(failure(() => expect(unanswered).toMeetPercentile(97, 50))).toMatch(
      /no request got a response/,
    )
  })
})

describe('latency matchers on an array of samples', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1)

  it('use nearest-rank percentiles', () => {
    expect(samples).toMeetP50(50)
    expect(samples).not.toMeetP50(49)
    expect(samples).toMeetP95(95)
    expect(samples).toMeetPercentile(99.5, 100)
    expect(samples).not.toMeetPercentile(99, 98.9)
    expect(failure(() => expect(samples).toMeetP99(90))).toBe(
      'expected p99 latency ≤ 90 ms, measured 99.0 ms (p50 50.0, p99 99.0 ms; 100 samples)',
    )
  })
})

describe('bad input fails the assertion with a clear message', () => {
  it.each([
    ['a string', 'fast', /received string "fast"/],
    ['null', null, /received null/],
    ['an object that is not a result', { p95: 3 }, /received an object with keys p95/],
    ['an empty array', [], /received an empty array/],
    ['an array with a non-number', [1, 'x', 3], /received "x" at index 1/],
    ['an array with a negative sample', [1, -2], /received -2 at index 1/],
  ])('received %s', (_, received, message) => {
    expect(failure(() => expect(received).toMeetP95(10))).toMatch(message)
    expect(failure(() => expect(received).not.toMeetP95(10))).toMatch(message)
  })

  it('a percentile outside 0..100', () => {
    expect(failure(() => expect(result).toMeetPercentile(101, 10))).toBe(
      'toMeetPercentile: the percentile must be a number from 0 to 100, received 101',
    )
    expect(failure(() => expect(result).not.toMeetPercentile(-1, 10))).toMatch(/received -1/)
    expect(failure(() => expect(result).toMeetPercentile(Number.NaN, 10))).toMatch(/received NaN/)
  })

  it('a negative or non-numeric budget', () => {
    expect(failure(() => expect(result).toMeetP95(-5))).toBe(
      'toMeetP95: the latency budget must be a number of ms >= 0, received -5',
    )
    expect(failure(() => expect(result).not.toMeetP99(-5))).toMatch(/received -5/)
    expect(failure(() => expect(result).toMeetP50('25' as unknown as number))).toMatch(
      /received "25"/,
    )
  })

  it('an unknown latency option', () => {
    expect(
      failure(() => expect(result).toMeetP95(10, { latency: 'fast' as unknown as 'raw' })),
    ).toMatch(/options.latency must be 'corrected' or 'raw', received "fast"/)
    // A misspelt option is not quietly judged on corrected latency.
    expect(failure(() => expect(result).toMeetP95(10, { latncy: 'raw' } as never))).toBe(
      'toMeetP95: options.latncy is not an option; did you mean latency? allowed: latency',
    )
    expect(
      failure(() => expect(result).toMeetObjectives({ p95: 10 }, { latncy: 'raw' } as never)),
    ).toBe(
      'toMeetObjectives: options.latncy is not an option; did you mean latency? allowed: latency',
    )
  })
})

describe('compliance rows on the running test', () => {
  it('records a row per assertion, pass or fail, with .not as the inverse bound', ({ task }) => {
    expect(result).toMeetP95(40)
    failure(() => expect(result).toMeetP99(10))
    expect(result).not.toMeetP50(5)

    expect(task.meta.perf?.compliance).toEqual([
      {
        scenario: 'GET /users',
        metric: 'p95',
        target: 40,
        actual: 31.2,
        unit: 'ms',
        comparator: '<=',
        passed: true,
      },
      {
        scenario: 'GET /users',
        metric: 'p99',
        target: 10,
        actual: 48,
        unit: 'ms',
        comparator: '<=',
        passed: false,
      },
      {
        scenario: 'GET /users',
        metric: 'p50',
        target: 5,
        actual: 9.8,
        unit: 'ms',
        comparator: '>',
        passed: true,
      },
    ])
    expect(JSON.parse(JSON.stringify(task.meta.perf))).toEqual(task.meta.perf)
  })

  it('records nothing for bad input', ({ task }) => {
    failure(() => expect('nope').toMeetP95(10))
    failure(() => expect(result).toMeetP95(-1))
    expect(task.meta.perf).toBeUndefined()
  })

  let softTest: RunnerTestCase | undefined
  let softErrors: string[] = []
  it.fails('keeps going after a failed expect.soft and records both rows', ({
    task,
    onTestFinished,
  }) => {
    softTest = task
    onTestFinished(({ task }) => {
      softErrors = (task.result?.errors ?? []).map(e => e.message)
    })
    expect.soft(result).toMeetP95(1)
    expect.soft(result).toMeetP99(2)
    expect(result).toMeetP50(100)
  })

  it('(the soft test above failed twice and recorded three rows)', () => {
    expect(softErrors).toEqual([
      expect.stringMatching(/^expected p95 latency ≤ 1 ms, measured 31.2 ms/),
      expect.stringMatching(/^expected p99 latency ≤ 2 ms, measured 48.0 ms/),
    ])
    expect(softTest?.meta.perf?.compliance.map(r => [r.metric, r.passed])).toEqual([
      ['p95', false],
      ['p99', false],
      ['p50', true],
    ])
  })
})

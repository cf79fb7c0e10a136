import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { defineObjectives, objectiveList, parseObjective } from '../../src/slo/index.js'

function configError(fn: () => unknown): PerfConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(PerfConfigError)
    return error as PerfConfigError
  }
  throw new Error('expected a PerfConfigError, nothing was thrown')
}

describe('defineObjectives', () => {
  it('returns a numeric row per label with every key kept', () => {
    const table = defineObjectives({
      '/users': { p50: 20, p95: 300, p99: 800, successRate: 99.9, throughput: 50 },
      '/health': { max: 100 },
    })
    expect(table['/users']).toEqual({
      p50: 20,
      p95: 300,
      p99: 800,
      successRate: 99.9,
      throughput: 50,
    })
    expect(table['/health']).toEqual({ max: 100 })
  })

  it('rejects a negative budget naming the label and key', () => {
    const error = configError(() => defineObjectives({ '/users': { p95: -1 } }))
    expect(error.option).toBe('objectives["/users"].p95')
    expect(error.message).toContain('objectives["/users"].p95')
    expect(error.message).toContain('-1')
  })

  it('rejects NaN and strings as values', () => {
    expect(configError(() => defineObjectives({ a: { p99: Number.NaN } })).message).toContain(
      'objectives["a"].p99: got NaN',
    )
    expect(
      configError(() => defineObjectives({ a: { p99: '300' as unknown as number } })).option,
    ).toBe('objectives["a"].p99')
  })

  it('rejects a success rate above 100 percent', () => {
    const error = configError(() => defineObjectives({ checkout: { successRate: 100.5 } }))
    expect(error.option).toBe('objectives["checkout"].successRate')
    expect(error.message).toContain('percent from 0 to 100')
  })

  it('rejects a success rate written as a fraction, in a row or a k6 string', () => {
    const error = configError(() => defineObjectives({ checkout: { successRate: 0.999 } }))
    expect(error.option).toBe('objectives["checkout"].successRate')
    expect(error.message).toContain('0.999 would mean 0.999%, not 99.9%')
    expect(() => parseObjective('successRate >= 0.99')).toThrow(/0\.99 would mean 0\.99%/)
    expect(defineObjectives({ a: { successRate: 0 } }).a?.successRate).toBe(0)
  })

  it('rejects an unknown key such as p96 and lists the allowed keys', () => {
    const error = configError(() => defineObjectives({ '/users': { p96: 300 } as never }))
    expect(error.option).toBe('objectives["/users"].p96')
    expect(error.message).toContain('unknown objective "p96"')
    expect(error.message).toContain('p50, p90, p95, p99, p999, max, successRate, throughput')
  })

  it('rejects a table that is not an object', () => {
    expect(configError(() => defineObjectives(null as never)).option).toBe('objectives')
  })

  it('accepts k6-style strings, alone or in an array', () => {
    const table = defineObjectives({
      '/users': ['p(95) < 300', 'p(99.9)<1000', 'successRate >= 99.9', 'throughput > 50'],
      '/health': 'max <= 100',
    })
    expect(table['/users']).toEqual({
      p95: 300,
      p999: 1000,
      successRate: 99.9,
      throughput: 50,
      exclusive: ['p95', 'p999', 'throughput'],
    })
    expect(table['/health']).toEqual({ max: 100 })
  })

  it('keeps the strictness of a k6 string in the comparator', () => {
    const table = defineObjectives({ a: ['p(95) < 300', 'successRate >= 99'] })
    expect(objectiveList(table.a)).toEqual([
      { metric: 'p95', target: 300, comparator: '<' },
      { metric: 'successRate', target: 99, comparator: '>=' },
    ])
  })

  it('names the index of a bad string in an array', () => {
    const error = configError(() => defineObjectives({ a: ['p(95) < 300', 'p95 is fast'] }))
    expect(error.option).toBe('objectives["a"][1]')
    expect(error.message).toContain("accepted forms: 'p(95) < 300'")
  })
})

describe('parseObjective', () => {
  it.each([
    ['p(95) < 300', { metric: 'p95', target: 300, comparator: '<' }],
    ['p(99.9)<1000', { metric: 'p999', target: 1000, comparator: '<' }],
    ['p(50) <= 12.5', { metric: 'p50', target: 12.5, comparator: '<=' }],
    ['med<20', { metric: 'p50', target: 20, comparator: '<' }],
    ['max < 2000ms', { metric: 'max', target: 2000, comparator: '<' }],
    ['successRate >= 99.9', { metric: 'successRate', target: 99.9, comparator: '>=' }],
    ['successRate > 99%', { metric: 'successRate', target: 99, comparator: '>' }],
    ['throughput > 50', { metric: 'throughput', target: 50, comparator: '>' }],
    ['throughput >= 50 req/s', { metric: 'throughput', target: 50, comparator: '>=' }],
  ])('reads %j', (text, expected) => {
    expect(parseObjective(text)).toEqual(expected)
  })

  it.each([
    'p(96) < 300',
    'p(95) > 300',
    'successRate <= 99',
    'successRate >= 101',
    'throughput < 50',
    'p95 == 300',
    'avg < 100',
    'p(95) < 300 s',
    'p(95) < -3',
    'fast please',
    '',
  ])('rejects %j showing the accepted forms', text => {
    const error = configError(() => parseObjective(text, 'objectives.x'))
    expect(error.option).toBe('objectives.x')
    expect(error.message).toContain('objectives.x: got')
    expect(error.message).toContain("'successRate >= 99.9'")
    expect(error.message).toContain("'throughput > 50'")
  })
})

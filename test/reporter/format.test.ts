import { describe, expect, test } from 'vitest'
import { formatValue } from '../../reporters/format.js'
import { formatPercent } from '../../src/slo/format.js'

describe('formatValue', () => {
  test('keeps the digits of success rates near 100 and never rounds one up to 100', () => {
    expect(formatValue(99.95, '%')).toBe('99.95%')
    expect(formatValue(99.9, '%')).toBe('99.9%')
    expect(formatValue(99.97333, '%')).toBe('99.97%')
    expect(formatValue(99.996, '%')).toBe('99.996%')
    expect(formatValue(99.99996, '%')).toBe('99.999%')
    expect(formatValue(100, '%')).toBe('100%')
  })

  test('gives other values three significant figures', () => {
    expect(formatValue(3.3712, '%')).toBe('3.37%')
    expect(formatValue(42.123, 'ms')).toBe('42.1 ms')
    expect(formatValue(1204.4, 'req/s')).toBe('1,204 req/s')
    expect(formatValue(null, 'ms')).toBe('–')
  })
})

describe('formatPercent in matcher messages', () => {
  test('a success rate just below 100 never reads as 100', () => {
    expect(formatPercent(99.97)).toBe('99.97%')
    expect(formatPercent(99.996)).toBe('99.996%')
    expect(formatPercent(99.99999)).toBe('99.999%')
    expect(formatPercent(100)).toBe('100%')
  })
})

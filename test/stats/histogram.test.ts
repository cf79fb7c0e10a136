import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/insights/index.js'
import { addHistograms, percentileMs } from '../../src/stats/histogram.js'
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  summarize,
} from '../../src/stats/index.js'

describe('latency histograms', () => {
  it('summarise µs into ms with 3 significant digits', () => {
    const histogram = createHistogram()
    for (let us = 1; us <= 100_000; us++) histogram.recordValue(us)
    const summary = summarize(histogram)

    expect(summary.min).toBe(0.001)
    expect(summary.max).toBeCloseTo(100, 1)
    expect(summary.mean).toBeCloseTo(50, 1)
    // Each percentile is within 0.1% of the exact value.
    expect(Math.abs(summary.p50 - 50) / 50).toBeLessThan(0.001)
    expect(Math.abs(summary.p90 - 90) / 90).toBeLessThan(0.001)
    expect(Math.abs(summary.p99 - 99) / 99).toBeLessThan(0.001)
    expect(Math.abs(summary.p999 - 99.9) / 99.9).toBeLessThan(0.001)
    expect(summary.stdev).toBeCloseTo(28.87, 1)
  })

  it("give the histogram's own mean and standard deviation, on few values or many, merged or decoded", () => {
    const random = seededRandom(7)
    const shapes: Array<[string, number, () => number]> = [
      ['one value', 1, () => 1234],
      ['a five-request probe', 5, () => 2000 + random() * 500],
      ['a long tail', 20_000, () => Math.round(100 * Math.exp(random() * 9))],
      ['minutes', 50, () => 60_000_000 + random() * 1e8],
    ]
    for (const [shape, n, draw] of shapes) {
      const histogram = createHistogram()
      for (let i = 0; i < n; i++) histogram.recordValue(Math.round(draw()))
      const merged = addHistograms([histogram, decodeHistogram(encodeHistogram(histogram))])
      for (const h of [histogram, merged]) {
        const summary = summarize(h)
        expect({ shape, mean: summary.mean }).toEqual({ shape, mean: ms(h.mean) })
        expect({ shape, stdev: summary.stdev }).toEqual({ shape, stdev: ms(h.stdDeviation) })
      }
    }
  })

  it('report min and max to 3 significant digits, the same after encoding', () => {
    const histogram = createHistogram()
    histogram.recordValue(20_013)
    histogram.recordValue(25_000)
    const summary = summarize(histogram)
    expect(summary.min).toBe(20)
    expect(summary.max).toBe(25.007)
    expect(summarize(decodeHistogram(encodeHistogram(histogram)))).toEqual(summary)
  })

  it('grow to any value: a 10-minute latency is recorded, not rejected', () => {
    const histogram = createHistogram()
    histogram.recordValue(500)
    histogram.recordValue(600_000_000)
    expect(summarize(histogram).max).toBeGreaterThan(599_000)
  })

  it('summarise empty as zeros', () => {
    expect(summarize(createHistogram())).toEqual({
      min: 0,
      mean: 0,
      stdev: 0,
      p50: 0,
      p90: 0,
      p95: 0,
      p99: 0,
      p999: 0,
      max: 0,
    })
    expect(percentileMs(createHistogram(), 99)).toBe(0)
  })

  it('encode to compressed base64 and decode to the same counts', () => {
    const histogram = createHistogram()
    for (let i = 0; i < 5000; i++) histogram.recordValue(100 + ((i * 7919) % 90_000))
    const text = encodeHistogram(histogram)
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/)

    const decoded = decodeHistogram(text)
    expect(decoded.totalCount).toBe(5000)
    expect(summarize(decoded)).toEqual(summarize(histogram))
    // A decoded histogram still grows.
    decoded.recordValue(1_000_000_000)
    expect(decoded.totalCount).toBe(5001)
  })
})

function ms(microseconds: number): number {
  return Math.round(microseconds) / 1000
}

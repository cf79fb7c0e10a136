import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median } from 'simple-statistics'
import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import {
  bootstrapMedianRatio,
  compareResults,
  compareToBaseline,
  findBaselineScenario,
  mannWhitneyU,
  readBaselineReport,
  seededRandom,
} from '../../src/insights/index.js'
import { upperTail } from '../../src/insights/normal.js'
import { medianInPlace } from '../../src/insights/series.js'
import type { PerfReport, ScenarioRecord } from '../../src/types.js'
import { entry, gaussian, resultFrom } from './helpers.js'

describe('mannWhitneyU', () => {
  it('matches the textbook large-sample p-value of Hollander & Wolfe (1973), p. 69', () => {
    // Permeability constants of the human chorioamnion at term (x) and at 12 to 26 weeks
    // (y), Hollander & Wolfe, Nonparametric Statistical Methods (1973), pp. 69-70, the
    // example R's wilcox.test documentation reproduces: W = U = 35, and the one-sided
    // large-sample approximation without continuity correction gives p = 0.1103.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    const y = [1.15, 0.88, 0.9, 0.74, 1.21]
    const result = mannWhitneyU(x, y, { alternative: 'greater', continuity: false })
    expect(result.u).toBe(35)
    expect(result.uOther).toBe(15)
    expect(result.pValue).toBeCloseTo(0.1103, 4)
    // Two-sided, the same z gives twice the tail.
    expect(mannWhitneyU(x, y, { continuity: false }).pValue).toBeCloseTo(0.2207, 4)
    // And from y's side the alternative is 'less'.
    expect(mannWhitneyU(y, x, { alternative: 'less', continuity: false }).pValue).toBeCloseTo(
      0.1103,
      4,
    )
  })

  it("matches SciPy's documented asymptotic example with continuity correction", () => {
    // scipy.stats.mannwhitneyu documentation: males [19, 22, 16, 29, 24] against females
    // [20, 11, 17, 12], method='asymptotic': U = 17, p = 0.11134688653314041 (two-sided).
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12])
    expect(result.u).toBe(17)
    expect(result.pValue).toBeCloseTo(0.111346887, 6)
  })

  it('applies the tie correction to the variance', () => {
    // a = [1, 2, 2, 3], b = [2, 3, 4, 4, 5]: mean ranks 1, 3, 3, 5.5 for a, so R = 12.5 and
    // U = 12.5 − 10 = 2.5. Tied groups of 3, 2 and 2: Σ(t³ − t) = 36, n(n − 1) = 72, so the
    // variance is 20/12 × (10 − 0.5) = 15.8333 instead of 16.6667 untied.
    const result = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 4, 5], { continuity: false })
    expect(result.u).toBe(2.5)
    expect(result.z).toBeCloseTo(-7.5 / Math.sqrt(15.8333333), 6)
    expect(result.pValue).toBeCloseTo(0.05946, 4)
  })

  it('keeps tiny p-values positive and continuous past z = 5', () => {
    const apart = (shift: number) =>
      mannWhitneyU(
        Array.from({ length: 30 }, (_, i) => i + shift),
        Array.from({ length: 30 }, (_, i) => i),
        { continuity: false },
      )
    const far = apart(100)
    expect(far.z).toBeGreaterThan(6)
    expect(far.pValue).toBeGreaterThan(0)
    expect(far.pValue).toBeLessThan(1e-8)
    // Standard normal upper tails from tables: Q(5) = 2.8665e-7, Q(6) = 9.8659e-10,
    // Q(8) = 6.2210e-16; the two formulas meet at z = 5 without a jump.
    expect(upperTail(4.9999999) / upperTail(5)).toBeCloseTo(1, 3)
    expect(upperTail(5) / 2.8665157e-7).toBeCloseTo(1, 3)
    expect(upperTail(6) / 9.8658765e-10).toBeCloseTo(1, 3)
    expect(upperTail(8) / 6.2209606e-16).toBeCloseTo(1, 3)
    expect(upperTail(1.96)).toBeCloseTo(0.025, 4)
  })

  it('gives p = 1 when every value is tied, and rejects NaN and empty samples', () => {
    expect(mannWhitneyU([3, 3, 3], [3, 3]).pValue).toBe(1)
    expect(() => mannWhitneyU([], [1])).toThrow(PerfConfigError)
    expect(() => mannWhitneyU([1, Number.NaN], [1])).toThrow(/first\[1\]/)
  })
})

describe('bootstrapMedianRatio', () => {
  const noise = gaussian(42)
  const before = Array.from({ length: 30 }, () => 20 + noise())
  const after = Array.from({ length: 30 }, () => 26 + noise())

  it('is reproducible with a seed and moves with another seed', () => {
    const first = bootstrapMedianRatio(after, before, { seed: 7 })
    const again = bootstrapMedianRatio(after, before, { seed: 7 })
    const other = bootstrapMedianRatio(after, before, { seed: 8 })
    expect(again).toEqual(first)
    expect(other).not.toEqual(first)
    expect(Math.abs(other[0] - first[0])).toBeLessThan(0.02)
  })

  it('brackets the true ratio of medians (1.3)', () => {
    const [low, high] = bootstrapMedianRatio(after, before)
    expect(low).toBeLessThan(1.3)
    expect(high).toBeGreaterThan(1.3)
    expect(high - low).toBeLessThan(0.15)
  })
})

describe('compareResults', () => {
  const sample = (seed: number, center: number, count = 30) => {
    const noise = gaussian(seed)
    return Array.from({ length: count }, () => center * (1 + 0.04 * noise()))
  }

  it('judges the same distribution unchanged, 30% slower regressed, 30% faster improved', () => {
    const baseline = sample(1, 20)
    const same = compareResults(sample(2, 20), baseline)
    expect(same.verdict).toBe('unchanged')
    expect(Math.abs(same.changePct)).toBeLessThan(5)

    const slower = compareResults(sample(3, 26), baseline)
    expect(slower.verdict).toBe('regressed')
    expect(slower.changePct).toBeGreaterThan(25)
    expect(slower.changePct).toBeLessThan(35)
    expect(slower.ciPct[0]).toBeLessThan(slower.changePct)
    expect(slower.ciPct[1]).toBeGreaterThan(slower.changePct)
    expect(slower.pValue).toBeLessThan(0.001)
    expect(slower.tolerancePct).toBe(5)
    expect(slower.reason).toMatch(
      /significant .* and beyond the 5% and 1 ms tolerances: regressed$/,
    )

    expect(compareResults(sample(4, 14), baseline).verdict).toBe('improved')
  })

  it('keeps a significant change inside the tolerance unchanged', () => {
    const baseline = sample(5, 100, 400)
    const result = compareResults(sample(6, 103, 400), baseline)
    expect(result.pValue).toBeLessThan(0.05)
    expect(result.verdict).toBe('unchanged')
    expect(result.reason).toMatch(/within the 5% tolerance/)
    expect(compareResults(sample(6, 103, 400), baseline, { tolerancePct: 1 }).verdict).toBe(
      'regressed',
    )
  })

  it('keeps a change under 1 ms unchanged, however many percent: jitter on a fast endpoint', () => {
    // 0.08 ms to 0.12 ms, +50% and significant over 60 seconds.
    const baseline = sample(9, 0.08, 60)
    const result = compareResults(sample(10, 0.12, 60), baseline)
    expect(result.pValue).toBeLessThan(0.001)
    expect(result.changePct).toBeGreaterThan(40)
    expect(result.verdict).toBe('unchanged')
    expect(result.toleranceMs).toBe(1)
    expect(result.reason).toMatch(/within the 1 ms tolerance: unchanged$/)
    expect(compareResults(sample(10, 0.12, 60), baseline, { toleranceMs: 0 }).verdict).toBe(
      'regressed',
    )
  })

  it('does not judge a run whose load generator was saturated', () => {
    const noise = gaussian(11)
    const run = (p50: number) =>
      resultFrom(Array.from({ length: 20 }, (_, t) => entry(t, { p50: p50 + 0.3 * noise() })))
    const before = run(10)
    const after = run(20)
    expect(compareToBaseline(after, before).verdict).toBe('regressed')
    const saturated = { ...after, host: { ...after.host, saturated: true } } as typeof after
    const comparison = compareToBaseline(saturated, before)
    expect(comparison.verdict).toBe('inconclusive')
    expect(comparison.reason).toMatch(
      /^not judged: the load generator was saturated in this run, so its latency is partly the generator's own \(/,
    )
  })

  it('does not judge with fewer than 5 seconds on a side', () => {
    const result = compareResults([30, 31, 29], sample(7, 20))
    expect(result.verdict).toBe('inconclusive')
    expect(result.reason).toMatch(/^not judged: 30 baseline and 3 current seconds/)
    expect(result.samples).toEqual({ before: 30, after: 3 })
  })

  it('reads per-second p50 from timelines, leaving out seconds without responses', () => {
    const noise = gaussian(8)
    const before = resultFrom(
      Array.from({ length: 20 }, (_, t) => entry(t, { p50: 10 + 0.3 * noise() })),
    )
    const after = resultFrom([
      ...Array.from({ length: 20 }, (_, t) => entry(t, { p50: 13 + 0.3 * noise() })),
      entry(20, { rps: 0, p50: 0 }),
    ])
    const comparison = compareToBaseline(after, before, { seed: 3 })
    expect(comparison.scenario).toBe('GET /synthetic')
    expect(comparison.samples).toEqual({ before: 20, after: 20 })
    expect(comparison.verdict).toBe('regressed')
    expect(comparison.after).toBeGreaterThan(12)
    expect(compareToBaseline(after, before, { seed: 3 })).toEqual(comparison)
  })

  it('leaves out seconds whose responses all failed without a latency (timeouts)', () => {
    const timeline = [
      ...Array.from({ length: 8 }, (_, t) => entry(t, { p50: 12 })),
      entry(8, { rps: 40, errors: 40, p50: 0, p95: 0, p99: 0 }),
      entry(9, { rps: 40, errors: 10, p50: 15 }),
    ]
    const result = resultFrom(timeline)
    expect(compareResults(result, result).samples).toEqual({ before: 9, after: 9 })
  })

  it('rejects bad options and inputs with PerfConfigError', () => {
    const r = resultFrom([entry(0, {})])
    expect(() => compareResults([1], [1], { tolerancePct: -1 })).toThrow(/tolerancePct/)
    expect(() => compareResults([1], [1], { metric: 'p42' as never })).toThrow(/metric/)
    expect(() => compareToBaseline({} as never, r)).toThrow(PerfConfigError)
    expect(() => compareToBaseline(r, null as never)).toThrow(/baseline/)
  })
})

describe('readBaselineReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'insights-baseline-'))
  const scenario = (label: string, name: string): ScenarioRecord => ({
    ...resultFrom([entry(0, {})], { label }),
    id: `${name}#0`,
    name,
    file: 'perf/api.perf.ts',
    tags: ['load'],
    state: 'passed',
    compliance: [],
  })
  const report: PerfReport = {
    schemaVersion: 1,
    tool: { name: 'vitest-perf', version: '0.1.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    environment: {
      node: 'v20',
      os: 'linux',
      cpus: 2,
      cpuModel: 'x',
      memoryBytes: 1,
      baseUrl: null,
      ci: false,
    },
    summary: { scenarios: 3, passed: 3, failed: 0, skipped: 0 },
    scenarios: [
      scenario('GET /health', 'health > answers'),
      scenario('GET /items', 'items > load'),
      scenario('GET /items', 'items > stress'),
    ],
    tests: [],
  }

  it('reads a report and finds a scenario by label and test name', () => {
    const path = join(dir, 'perf-report.json')
    writeFileSync(path, JSON.stringify(report))
    const read = readBaselineReport(path)
    expect(read.scenarios).toHaveLength(3)
    expect(findBaselineScenario(read, { label: 'GET /health' })?.name).toBe('health > answers')
    expect(findBaselineScenario(read, { label: 'GET /items', name: 'items > stress' })?.id).toBe(
      'items > stress#0',
    )
    // Two scenarios share the label and the name matches neither: no guess.
    expect(findBaselineScenario(read, { label: 'GET /items', name: 'other' })).toBeNull()
    expect(findBaselineScenario(read, { label: 'GET /gone' })).toBeNull()
  })

  it('gives a clear PerfConfigError for a missing file, non-JSON, and JSON that is not a report', () => {
    expect(() => readBaselineReport(join(dir, 'missing.json'))).toThrow(
      /PERF_BASELINE: ".*missing\.json": no such file/,
    )
    const garbage = join(dir, 'garbage.json')
    writeFileSync(garbage, 'not json {')
    expect(() => readBaselineReport(garbage)).toThrow(/is not JSON/)
    const other = join(dir, 'package.json')
    writeFileSync(other, JSON.stringify({ name: 'x', version: '1' }))
    expect(() => readBaselineReport(other, 'baseline')).toThrow(
      /^baseline: ".*package\.json" is not a vitest-perf report \(schemaVersion is undefined/,
    )
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, JSON.stringify({ ...report, scenarios: [{ label: 'x' }] }))
    expect(() => readBaselineReport(broken)).toThrow(/scenarios\[0\] has no timeline/)
    try {
      readBaselineReport(other)
    } catch (error) {
      expect(error).toBeInstanceOf(PerfConfigError)
      expect((error as PerfConfigError).option).toBe('PERF_BASELINE')
    }
  })
})

describe('medianInPlace', () => {
  it("agrees with simple-statistics' median on random arrays with many ties", () => {
    const random = seededRandom(99)
    for (let trial = 0; trial < 2000; trial++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
        Math.floor(random() * 8),
      )
      expect(medianInPlace(Float64Array.from(values), values.length)).toBe(median(values))
    }
  })
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { chartData, MAX_POINTS } from '../../reporters/html/chart-data.js'
import { escapeHtml, jsonForScript } from '../../reporters/html/escape.js'
import { renderHtml } from '../../reporters/html/render.js'
import { addInsights, defaultInsights, type InsightsApi } from '../../reporters/insights.js'
import { renderJson } from '../../reporters/json.js'
import { runVerdict } from '../../reporters/verdict.js'
import type { BaselineComparison, ScenarioInsights } from '../../src/types.js'
import { syntheticReport, syntheticResult } from './synthetic.js'

const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-html-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('escaping', () => {
  test('escapeHtml turns every markup character into an entity', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
    )
  })

  test('jsonForScript cannot close its script element and still parses to the same value', () => {
    const value = { name: '</script><script>alert(1)</script><!-- & \u2028\u2029' }
    const text = jsonForScript(value)
    expect(text).not.toMatch(/[<>&\u2028\u2029]/)
    expect(JSON.parse(text)).toEqual(value)
  })
})

describe('renderHtml', () => {
  const report = syntheticReport(3, { seconds: 20 })
  report.scenarios[0]!.name = '<img src=x onerror=alert(1)>'
  report.scenarios[0]!.tags = ['<script>tag</script>']
  report.scenarios[1]!.compliance[0]!.passed = false
  report.scenarios[2]!.host!.saturated = true
  const html = renderHtml(report, 'Title <b>bold</b>')

  test('is self-contained: no external script, style, image or link, and a policy forbidding them', () => {
    expect(html).not.toMatch(/\ssrc\s*=\s*["']?(?:https?:)?\/\//i)
    expect(html).not.toMatch(/<link\b/i)
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i)
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'`)
    expect(html).toContain('var uPlot=') // the library itself, inlined
    expect(html).toContain('.uplot {font-family') // and its stylesheet
  })

  test('escapes every string from a test: names, tags, title', () => {
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<script>tag')
    expect(html).not.toContain('<b>bold')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&lt;script&gt;tag&lt;/script&gt;')
    expect(html).toContain('<title>Title &lt;b&gt;bold&lt;/b&gt;: fail</title>')
  })

  test('the compliance table has one row per scenario and cells coloured by verdict', () => {
    expect(html.match(/<tr data-scenario="\d+">/g)).toHaveLength(3)
    const row1 = html.slice(
      html.indexOf('<tr data-scenario="1">'),
      html.indexOf('<tr data-scenario="2">'),
    )
    const p95 = report.scenarios[1]!.latencyMs.p95
    expect(row1).toContain(
      `<td class="num fail" data-metric="p95" title="p95 ≤ 40 ms: fail">${p95 > 100 ? Math.round(p95) : Math.round(p95 * 10) / 10} ms / 40 ms</td>`,
    )
    expect(row1).toContain('<td class="fail verdict-cell">fail</td>')
    expect(html).toContain('<span class="verdict fail" id="verdict">FAIL</span>')
    expect(html).toContain('The load generator was saturated')
  })
})

describe('tests without a scenario', () => {
  test('lists the ones that did not pass or recorded objectives, and counts the rest', () => {
    const report = syntheticReport(1)
    const row = {
      scenario: 'table',
      metric: 'p95',
      target: 10,
      actual: 12.5,
      unit: 'ms',
      comparator: '<=' as const,
      passed: false,
    }
    report.tests = [
      { id: 'a', name: 'plain one', file: 'f', tags: [], state: 'passed' },
      { id: 'b', name: 'plain two', file: 'f', tags: [], state: 'passed' },
      { id: 'c', name: 'soak <run>', file: 'f', tags: ['endurance'], state: 'skipped' },
      { id: 'd', name: 'recorded only', file: 'f', tags: [], state: 'passed', compliance: [row] },
    ]
    const html = renderHtml(report)
    const table = html.slice(
      html.indexOf('<table id="other-tests">'),
      html.indexOf('</table>', html.indexOf('<table id="other-tests">')),
    )
    expect(table.match(/<tr>/g)).toHaveLength(3) // heading, skipped, recorded
    expect(table).toContain('soak &lt;run&gt;')
    expect(table).toContain('<div class="fail">table p95 12.5 ms ≤ 10 ms ✗</div>')
    expect(table).not.toContain('plain one')
    expect(html).toContain('2 other tests passed without a scenario.')
  })
})

describe('chartData', () => {
  test('the percentile curve comes from the histogram, from p0 to p99.99', () => {
    const result = syntheticResult({ seed: 3 })
    const [data] = chartData([{ ...syntheticReport(1).scenarios[0]!, ...result }])
    const curve = data!.pct!
    expect(curve.x[0]).toBe(1)
    expect(curve.x.at(-1)).toBe(10_000)
    expect(curve.raw[0]).toBeCloseTo(result.latencyMs.min, 1)
    expect(curve.raw[10]).toBeCloseTo(result.latencyMs.p90, 0) // x = 10 is p90
    expect(curve.raw[20]).toBeCloseTo(result.latencyMs.p99, 0) // x = 100 is p99
    for (let i = 1; i < curve.raw.length; i++)
      expect(curve.raw[i]).toBeGreaterThanOrEqual(curve.raw[i - 1]!)
    expect(curve.corrected).toBeNull()
  })

  test('a 10-minute timeline is bucketed to the point cap, keeping latency peaks', () => {
    const scenario = syntheticReport(1, { seconds: 600 }).scenarios[0]!
    scenario.timeline[433]!.p99 = 9999
    const [data] = chartData([scenario])
    expect(data!.tl!.t).toEqual({ start: 0, step: 2, count: MAX_POINTS })
    expect(data!.tl!.p99).toHaveLength(MAX_POINTS)
    expect(data!.tl!.dropped).toBeNull() // nothing dropped: no series to carry
    expect(Math.max(...data!.tl!.p99)).toBe(9999)
    expect(data!.host!.cpu).toHaveLength(MAX_POINTS)
    expect(data!.host!.levels.cpu).toEqual({ normal: 40, warning: 70, critical: 85 })
  })
})

describe('insights in the report', () => {
  const anomaly: ScenarioInsights = {
    anomalies: [
      {
        metric: 'p95',
        t: 12,
        value: 90,
        score: 7.5,
        method: 'robust-z',
        reason: 'p95 90 ms <vs> 20 ms usual',
      },
    ],
    trends: [
      {
        metric: 'memory',
        slopePerMinute: 1.5,
        r2: 0.9,
        unit: '%',
        points: 60,
        description: 'memory grows 1.5%/min',
      },
    ],
    levelShifts: [
      {
        metric: 'rps',
        t: 30,
        before: 200,
        after: 150,
        description: 'throughput fell from 200 to 150 req/s',
      },
    ],
    advice: [
      {
        rule: 'latency-knee',
        severity: 'warning',
        message: 'latency rises past 180 req/s',
        evidence: { kneeRps: 180 },
      },
    ],
  }
  const comparison: BaselineComparison = {
    scenario: 'x',
    metric: 'p50',
    before: 10,
    after: 13,
    changePct: 30,
    ciPct: [22, 38],
    pValue: 0.0001,
    verdict: 'regressed',
    tolerancePct: 5,
    reason: 'p50 13 ms vs 10 ms baseline',
  }

  test('synthetic insights and a baseline comparison render: marks, lists and before/after columns', () => {
    const report = syntheticReport(2)
    const baselineFile = join(dir, 'synthetic-baseline.json')
    writeFileSync(baselineFile, renderJson(report))
    const api: InsightsApi = {
      ...defaultInsights,
      explainResult: () => anomaly,
      compareToBaseline: () => comparison,
    }
    expect(addInsights(report, baselineFile, api)).toEqual({ notes: [], baselineError: null })

    const html = renderHtml(report)
    expect(html).toContain('anomaly in p95 at 12 s: p95 90 ms &lt;vs&gt; 20 ms usual')
    expect(html).toContain('level shift in rps at 30 s: throughput fell from 200 to 150 req/s')
    expect(html).toContain('trend in memory: memory grows 1.5%/min')
    expect(html).toContain(
      'latency rises past 180 req/s <span class="muted">(kneeRps = 180)</span>',
    )
    expect(html).toContain(
      '<th class="num">before</th><th class="num">after</th><th class="num">change (CI)</th><th>vs baseline</th>',
    )
    expect(html).toContain(
      '+30.0% <span class="muted">[+22.0%, +38.0%]</span></td><td class="fail" title="p50 13 ms vs 10 ms baseline">regressed</td>',
    )
    const [data] = chartData(report.scenarios)
    expect(data!.marks).toEqual([
      { metric: 'p95', t: 12, kind: 'anomaly', text: 'p95 90 ms <vs> 20 ms usual' },
      { metric: 'rps', t: 30, kind: 'shift', text: 'throughput fell from 200 to 150 req/s' },
    ])
  })

  test('a regression makes the headline FAIL and says why; with failOnRegression off it passes', () => {
    const report = syntheticReport(2)
    report.scenarios[1]!.baseline = comparison

    const html = renderHtml(report)
    expect(html).toContain('<span class="verdict fail" id="verdict">FAIL</span>')
    expect(html).toContain(
      '<span id="summary">2 scenarios: 2 passed, 0 failed, 0 skipped; the run fails because ' +
        '1 scenario regressed against the baseline</span>',
    )
    expect(html).toContain('<title>Performance report: fail</title>')

    const off = renderHtml(
      report,
      'Performance report',
      runVerdict(report, { failOnRegression: false }),
    )
    expect(off).toContain('<span class="verdict pass" id="verdict">PASS</span>')
    expect(off).toContain('<span id="summary">2 scenarios: 2 passed, 0 failed, 0 skipped</span>')
    // the comparison itself is still shown
    expect(off).toContain('<td class="fail" title="p50 13 ms vs 10 ms baseline">regressed</td>')
  })

  test('an unreadable baseline makes the headline FAIL, as the exit code does', () => {
    const report = syntheticReport(1)
    const html = renderHtml(
      report,
      'Performance report',
      runVerdict(report, { baselineError: 'x' }),
    )
    expect(html).toContain('<span class="verdict fail" id="verdict">FAIL</span>')
    expect(html).toContain('; the run fails because the baseline could not be read</span>')
  })

  test('the library insights run on every scenario and compare against a real previous report', () => {
    const before = syntheticReport(2, { medianMs: 10 })
    const baselineFile = join(dir, 'baseline.json')
    writeFileSync(baselineFile, renderJson(before))

    // the same scenarios, twice as slow
    const after = syntheticReport(2, { medianMs: 20 })
    expect(addInsights(after, baselineFile)).toEqual({ notes: [], baselineError: null })
    for (const scenario of after.scenarios) {
      expect(scenario.insights).toMatchObject({
        anomalies: expect.any(Array),
        advice: expect.any(Array),
      })
      expect(scenario.baseline?.verdict).toBe('regressed')
      expect(scenario.baseline?.changePct).toBeGreaterThan(50)
    }
    // the timeline spike at 60% of the run is found on the p95 series
    expect(
      after.scenarios[0]!.insights!.anomalies.some(a => a.metric === 'p95' && a.t === 18),
    ).toBe(true)
  })

  test('a missing baseline file is reported as such, and the report is still built', () => {
    const report = syntheticReport(1)
    const { notes, baselineError } = addInsights(report, join(dir, 'nope.json'))
    expect(notes).toEqual([])
    expect(baselineError).toMatch(/^baseline: ".*nope\.json": no such file$/)
    expect(report.scenarios[0]?.insights).toBeDefined()
    expect(report.scenarios[0]?.baseline).toBeUndefined()
  })
})

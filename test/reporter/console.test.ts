import { describe, expect, test } from 'vitest'
import { renderConsole, useColor } from '../../reporters/console.js'
import { formatMs } from '../../reporters/format.js'
import { renderMarkdown } from '../../reporters/markdown.js'
import { resolveReporterOptions } from '../../reporters/options.js'
import { runVerdict } from '../../reporters/verdict.js'
import { PerfConfigError } from '../../src/errors.js'
import type { BaselineComparison } from '../../src/types.js'
import { syntheticReport } from './synthetic.js'

function report() {
  const r = syntheticReport(3, { seconds: 10 })
  r.scenarios[1]!.compliance[0]!.passed = false // p95 missed
  r.scenarios[2]!.host!.saturated = true
  r.scenarios[2]!.host!.saturationReason = 'event-loop utilisation 97%'
  r.scenarios[2]!.host!.cpu!.level = 'critical'
  r.tests.push({
    id: 'k',
    name: 'soak',
    file: 'perf/soak.perf.ts',
    tags: ['endurance'],
    state: 'skipped',
  })
  r.summary = { scenarios: 3, passed: 2, failed: 1, skipped: 1 }
  return r
}

// A comparison the size of a real regression: +51%, its interval well clear of the tolerance.
function comparison(verdict: BaselineComparison['verdict']): BaselineComparison {
  return {
    scenario: 'GET /api/items/1',
    metric: 'p50 latency (median of per-second values)',
    before: 10,
    after: 15.1,
    changePct: 51,
    ciPct: [50, 53],
    pValue: 0.012,
    verdict,
    tolerancePct: 5,
    reason: 'p50 15.1 ms vs 10 ms baseline',
  }
}

// Two scenarios that met every objective, the second compared with the baseline.
function compared(verdict: BaselineComparison['verdict']) {
  const r = syntheticReport(2, { seconds: 10 })
  r.scenarios[0]!.baseline = { ...comparison('unchanged'), changePct: 1, pValue: 0.6 }
  r.scenarios[1]!.baseline = comparison(verdict)
  return r
}

describe('renderConsole', () => {
  test('a scenario whose requests all failed without a response shows no latency figures', () => {
    const r = syntheticReport(1, { seconds: 3 })
    const dead = r.scenarios[0]!
    dead.statusCodes = {}
    dead.errors = { ECONNREFUSED: dead.requests.total }
    const row = renderConsole(r, { color: false })
      .split('\n')
      .find(line => /^ {2}GET \/api\/items/.test(line))!
    expect(row).toBeDefined()
    // p50, p95 and p99 read as dashes, not as "0 ms" that measured nothing.
    expect(row).toMatch(/ – +– +– /)
    expect(row).not.toMatch(/\d ms/)
  })

  test('plain text: one aligned row per scenario, marks, host levels, warnings, totals, files', () => {
    const text = renderConsole(report(), { color: false, files: ['reports/perf-report.json'] })
    expect(text).not.toContain('\u001b[')
    const lines = text.split('\n')
    const header = lines.find(line => line.includes('scenario') && line.includes('objectives'))!
    // Rows are named by the scenario's label; the saturation warning by the test and label.
    const rows = lines.filter(line => /^ {2}GET \/api\/items\/\d/.test(line))
    expect(rows).toHaveLength(3)
    // columns line up: every row has "requests" at the header's offset
    for (const row of rows.slice(0, 3))
      expect(row.indexOf('2,000')).toBe(header.indexOf('requests'))
    expect(rows[0]).toMatch(/p95 ✓ p99 ✓ success ✓ throughput ✓\s+cpu elevated memory normal$/)
    expect(rows[1]).toContain('p95 ✗ p99 ✓')
    expect(rows[2]).toContain('cpu critical')
    expect(text).toContain(
      '⚠ load > endpoint 2: load generator saturated; latency is inflated\n    event-loop utilisation 97%\n',
    )
    expect(text).toMatch(/skipped\s+soak/)
    expect(text).toContain('FAIL 3 scenarios, 2 passed, 1 failed, 1 test skipped')
    expect(text).toContain('report: reports/perf-report.json')
  })

  test('open-model rows show the corrected latency objectives judge, and say so', () => {
    const r = report()
    const open = r.scenarios[1]!
    expect(open.model).toBe('open')
    const text = renderConsole(r, { color: false })
    const row = text.split('\n').find(line => line.startsWith('  GET /api/items/1 '))!
    expect(row).toContain(formatMs(open.correctedLatencyMs!.p95))
    expect(row).not.toContain(formatMs(open.latencyMs.p95))
    const closedRow = text.split('\n').find(line => line.startsWith('  GET /api/items/0 '))!
    expect(closedRow).toContain(formatMs(r.scenarios[0]!.latencyMs.p95))
    expect(text).toContain(
      'latency: corrected (from the scheduled arrival) for open-model scenarios',
    )
  })

  test('a long label is cut in the middle, so the rows of one test stay apart', () => {
    const r = report()
    r.scenarios[0]!.label =
      'stress > vector search capacity > POST /api/v1/vectors/search @ 800 req/s'
    r.scenarios[1]!.label =
      'stress > vector search capacity > POST /api/v1/vectors/search @ 1100 req/s'
    const text = renderConsole(r, { color: false, nameWidth: 40 })
    expect(text).toContain('stress > vector…ctors/search @ 800 req/s')
    expect(text).toContain('stress > vector…tors/search @ 1100 req/s')
  })

  test('passed tests without a scenario are not listed; a run without any scenario is one line', () => {
    const r = report()
    r.tests.push({
      id: 'p',
      name: 'plain unit test',
      file: 'test/x.test.ts',
      tags: [],
      state: 'passed',
    })
    expect(renderConsole(r, { color: false })).not.toContain('plain unit test')

    const empty = syntheticReport(0)
    empty.tests = [
      { id: 'p', name: 'plain unit test', file: 'test/x.test.ts', tags: [], state: 'passed' },
      { id: 'q', name: 'another', file: 'test/x.test.ts', tags: [], state: 'passed' },
    ]
    expect(renderConsole(empty, { color: false, files: ['reports/perf-report.json'] })).toBe(
      'vitest-perf: no scenario ran (2 tests without one); report: reports/perf-report.json\n',
    )
  })

  test('colour marks failures red and passes green when enabled', () => {
    const text = renderConsole(report(), { color: true })
    expect(text).toContain('\u001b[31mp95 ✗\u001b[39m')
    expect(text).toContain('\u001b[32mp99 ✓\u001b[39m')
    expect(text).toContain('\u001b[31mFAIL\u001b[39m')
  })

  test('a regression against the baseline gets its own line and fails the totals', () => {
    const text = renderConsole(compared('regressed'), { color: false })
    const lines = text.split('\n')
    expect(lines.filter(line => line.includes('regressed against the baseline:'))).toEqual([
      '  ✗ GET /api/items/1 regressed against the baseline: p50 latency (median of per-second ' +
        'values) 10 ms → 15.1 ms, +51.0% (95% CI +50.0% to +53.0%), p=0.012',
    ])
    expect(lines).toContain(
      '  FAIL 2 scenarios, 2 passed, 0 failed; the run fails because 1 scenario regressed ' +
        'against the baseline',
    )
  })

  test('with failOnRegression off a regression is still printed, and the run passes', () => {
    const r = compared('regressed')
    const text = renderConsole(r, {
      color: false,
      verdict: runVerdict(r, { failOnRegression: false }),
    })
    expect(text).toContain('  ⚠ GET /api/items/1 regressed against the baseline: p50 latency')
    expect(text).toContain('  PASS 2 scenarios, 2 passed, 0 failed\n')
  })

  test('improved, unchanged and inconclusive comparisons print no line and never fail', () => {
    for (const verdict of ['improved', 'unchanged', 'inconclusive'] as const) {
      const r = compared(verdict)
      expect(runVerdict(r)).toEqual({ passed: true, reasons: [], failOnRegression: true })
      const text = renderConsole(r, { color: false })
      expect(text).not.toContain('regressed against the baseline')
      expect(text).toContain('  PASS 2 scenarios, 2 passed, 0 failed\n')
    }
  })

  test('an unreadable baseline or an unwritten report fails the totals, which say why', () => {
    const r = syntheticReport(1, { seconds: 10 })
    const unread = runVerdict(r, { baselineError: 'baseline: "old.json": no such file' })
    expect(renderConsole(r, { color: false, verdict: unread })).toContain(
      '  FAIL 1 scenario, 1 passed, 0 failed; the run fails because the baseline could not be read\n',
    )
    const unwritten = runVerdict(r, { writeError: 'ENOTDIR: not a directory' })
    expect(renderConsole(r, { color: false, verdict: unwritten })).toContain(
      '  FAIL 1 scenario, 1 passed, 0 failed; the run fails because the report could not be written\n',
    )
  })

  test('colour only on a terminal, never with NO_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true)
    expect(useColor({ isTTY: false }, {})).toBe(false)
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true)
    expect(useColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false)
  })
})

describe('renderMarkdown', () => {
  test('a verdict heading and a compliance table with actual / target cells', () => {
    const markdown = renderMarkdown(report(), 'Nightly | perf')
    const lines = markdown.split('\n')
    expect(lines[0]).toBe('## Nightly \\| perf: ❌ fail')
    expect(markdown).toContain('| scenario | p50 | p95 | p99 | success | throughput | verdict |')
    const row = lines.find(line => line.startsWith('| load &gt; endpoint 1 |'))!
    expect(row.split(' | ')).toHaveLength(7)
    expect(row).toMatch(
      /\| ❌ [\d.]+ ms \/ ≤ 40 ms \| ✅ [\d.]+ ms \/ ≤ 60 ms \| ✅ 99.9% \/ ≥ 99% \| ✅ 200 req\/s \/ ≥ 100 req\/s \| ❌ \|$/,
    )
    expect(markdown).toContain('| soak | skipped |')
  })

  test('adds a baseline column when a comparison is present', () => {
    const r = report()
    r.scenarios[0]!.baseline = {
      scenario: 'a',
      metric: 'p50',
      before: 10,
      after: 12,
      changePct: 20,
      ciPct: [15, 25],
      pValue: 0.001,
      verdict: 'regressed',
      tolerancePct: 5,
      reason: 'slower',
    }
    const markdown = renderMarkdown(r)
    expect(markdown).toContain('| verdict | vs baseline |')
    expect(markdown).toMatch(/\| regressed \+20\.0% \|\n/)
  })

  test('a regression fails the heading and says so, unless failOnRegression is off', () => {
    const r = compared('regressed')
    const lines = renderMarkdown(r, 'Nightly').split('\n')
    expect(lines[0]).toBe('## Nightly: ❌ fail')
    expect(lines).toContain('**The run fails because 1 scenario regressed against the baseline.**')

    const off = renderMarkdown(r, 'Nightly', runVerdict(r, { failOnRegression: false }))
    expect(off.split('\n')[0]).toBe('## Nightly: ✅ pass')
    expect(off).not.toContain('The run fails')
  })
})

describe('reporter options', () => {
  test('defaults, and PERF_BASELINE when no baseline option is given', () => {
    expect(resolveReporterOptions({}, {})).toEqual({
      outputDir: 'reports',
      title: 'Performance report',
      json: true,
      html: true,
      baseline: null,
      console: true,
      failOnRegression: true,
    })
    expect(resolveReporterOptions({}, { PERF_BASELINE: 'old.json' }).baseline).toBe('old.json')
    expect(
      resolveReporterOptions({ baseline: 'mine.json' }, { PERF_BASELINE: 'old.json' }).baseline,
    ).toBe('mine.json')
  })

  test('a wrong option names itself, the value and what is allowed', () => {
    expect(() => resolveReporterOptions({ html: 'yes' as unknown as boolean })).toThrow(
      new PerfConfigError('html', 'html: got "yes"; allowed: true or false'),
    )
    expect(() => resolveReporterOptions({ outputdir: 'x' } as never)).toThrow(
      new PerfConfigError(
        'outputdir',
        'outputdir: unknown option; did you mean outputDir? allowed: outputDir, title, json, ' +
          'html, baseline, console, failOnRegression',
      ),
    )
    expect(() => resolveReporterOptions({ outDir: 'x' } as never)).toThrow(
      /^outDir: unknown option; did you mean outputDir\? allowed: outputDir, /,
    )
    expect(() => resolveReporterOptions({ colour: true } as never)).toThrow(
      /^colour: unknown option; allowed: outputDir, /,
    )
    expect(() => resolveReporterOptions({ outputDir: '' })).toThrow(
      /outputDir: got ""; allowed: a non-empty string/,
    )
    expect(() => resolveReporterOptions({ failOnRegression: 'no' as never })).toThrow(
      new PerfConfigError('failOnRegression', 'failOnRegression: got "no"; allowed: true or false'),
    )
  })

  test('failOnRegression: the option, else PERF_FAIL_ON_REGRESSION, else true', () => {
    const resolve = (options: object, env: NodeJS.ProcessEnv) =>
      resolveReporterOptions(options, env).failOnRegression
    expect(resolve({}, {})).toBe(true)
    expect(resolve({}, { PERF_FAIL_ON_REGRESSION: 'false' })).toBe(false)
    expect(resolve({}, { PERF_FAIL_ON_REGRESSION: ' FALSE ' })).toBe(false)
    expect(resolve({}, { PERF_FAIL_ON_REGRESSION: '' })).toBe(true)
    expect(resolve({ failOnRegression: true }, { PERF_FAIL_ON_REGRESSION: 'false' })).toBe(true)
    expect(resolve({ failOnRegression: false }, {})).toBe(false)
    // A wrong value in the environment is named by its variable, the name the user wrote.
    expect(() => resolve({}, { PERF_FAIL_ON_REGRESSION: 'no' })).toThrow(
      new PerfConfigError(
        'PERF_FAIL_ON_REGRESSION',
        'PERF_FAIL_ON_REGRESSION: got "no"; allowed: true or false',
      ),
    )
  })
})

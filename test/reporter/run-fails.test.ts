import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readReport, runFixture } from './run-vitest.js'

// Runs in which every test passes and the reporter fails the run all the same.
const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-run-fails-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ONE_SCENARIO = ['alpha', '-t', 'meets its objectives']

describe('a regression against the baseline', () => {
  const baseline = join(dir, 'baseline.json')

  // The baseline is this very run with every second twice as fast: the run is +100% slower.
  beforeAll(async () => {
    const out = join(dir, 'first')
    const first = await runFixture(ONE_SCENARIO, { FIXTURE_OUT: out, NO_COLOR: '1' })
    expect(first.code).toBe(0)
    const report = readReport(join(out, 'perf-report.json'))
    for (const scenario of report.scenarios) {
      for (const second of scenario.timeline) second.p50 /= 2
    }
    writeFileSync(baseline, JSON.stringify(report))
  }, 60_000)

  test('fails the run and prints a line with the figures; every headline says FAIL', async () => {
    const out = join(dir, 'regressed')
    const summary = join(dir, 'step-summary.md')
    const run = await runFixture(ONE_SCENARIO, {
      FIXTURE_OUT: out,
      NO_COLOR: '1',
      PERF_BASELINE: baseline,
      GITHUB_STEP_SUMMARY: summary,
    })

    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /^ {2}✗ GET \/items regressed against the baseline: p50 latency \(median of per-second values\) [\d.]+ ms → [\d.]+ ms, \+\d+\.\d% \(95% CI \+\d+\.\d% to \+\d+\.\d%\), p(=|<)[\d.]+$/m,
    )
    expect(run.stdout).toContain(
      'FAIL 1 scenario, 1 passed, 0 failed, 3 tests skipped; the run fails because 1 scenario regressed against the baseline',
    )
    expect(run.stdout).not.toMatch(/\bPASS\b/)
    const report = readReport(join(out, 'perf-report.json'))
    expect(report.scenarios[0]?.baseline?.verdict).toBe('regressed')
    expect(readFileSync(join(out, 'perf-report.html'), 'utf8')).toContain(
      '<span class="verdict fail" id="verdict">FAIL</span>',
    )
    expect(readFileSync(summary, 'utf8')).toContain(
      '**The run fails because 1 scenario regressed against the baseline.**',
    )
  })

  test('with PERF_FAIL_ON_REGRESSION=false passes, and still prints the line', async () => {
    const out = join(dir, 'allowed')
    const run = await runFixture(ONE_SCENARIO, {
      FIXTURE_OUT: out,
      NO_COLOR: '1',
      PERF_BASELINE: baseline,
      PERF_FAIL_ON_REGRESSION: 'false',
    })

    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^ {2}⚠ GET \/items regressed against the baseline: p50 latency/m)
    expect(run.stdout).toMatch(/^ {2}PASS 1 scenario, 1 passed, 0 failed, 3 tests skipped$/m)
    expect(readFileSync(join(out, 'perf-report.html'), 'utf8')).toContain(
      '<span class="verdict pass" id="verdict">PASS</span>',
    )
  })
})

test('a report that cannot be written fails the run, after the console summary', async () => {
  const file = join(dir, 'a-file')
  writeFileSync(file, 'not a folder')
  const run = await runFixture(ONE_SCENARIO, { FIXTURE_OUT: join(file, 'reports'), NO_COLOR: '1' })

  expect(run.code).toBe(1)
  expect(run.stderr).toMatch(
    /vitest-perf: could not write the report to .*: ENOTDIR.*; the run fails/,
  )
  expect(run.stdout).toMatch(/^ {2}GET \/items /m)
  expect(run.stdout).toContain(
    'FAIL 1 scenario, 1 passed, 0 failed, 3 tests skipped; the run fails because the report could not be written',
  )
  expect(run.stdout).not.toMatch(/\bPASS\b/)
})

test('a passing test whose scenario missed a recorded objective fails the run, saying so', async () => {
  // "write" records p95 <= 10 ms against a 40 ms median; nothing asserts it, so the test passes.
  const run = await runFixture(['alpha', '-t', 'two scenarios in one test'], {
    FIXTURE_OUT: join(dir, 'unasserted'),
    NO_COLOR: '1',
  })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(/Tests {2}1 passed \| 3 skipped/)
  expect(run.stdout).toContain(
    'FAIL 2 scenarios, 1 passed, 1 failed, 3 tests skipped; the run fails because 1 scenario missed an objective its passing test did not assert',
  )
})

test('Ctrl-C in the middle of a run writes the report of what finished, saying it was cut short', {
  retry: 2,
  timeout: 60_000,
}, async () => {
  const out = join(dir, 'interrupted')
  const mark = join(dir, 'running')
  const run = await runFixture(
    [],
    { FIXTURE_OUT: out, FIXTURE_INCLUDE: '*.interrupt.ts', FIXTURE_MARK: mark, NO_COLOR: '1' },
    child => {
      // Once the second test runs, the first one's result has been sent to the reporter.
      const poll = setInterval(() => {
        if (!existsSync(mark)) return
        clearInterval(poll)
        setTimeout(() => child.kill('SIGINT'), 1500)
      }, 50)
      child.on('close', () => clearInterval(poll))
    },
  )
  expect(run.code).toBe(130)
  const report = readReport(join(out, 'perf-report.json'))
  expect(report.scenarios.map(s => s.label)).toEqual(['GET /items'])
  expect(run.stdout).toContain(
    'the run fails because the run was interrupted (SIGINT) before every test had run',
  )
  expect(readFileSync(join(out, 'perf-report.html'), 'utf8')).toContain(
    '<span class="verdict fail" id="verdict">FAIL</span>',
  )
})

test('an unknown PERFORMANCE_LOG_LEVEL is reported at the start of a run that logs nothing else', async () => {
  const run = await runFixture(ONE_SCENARIO, {
    FIXTURE_OUT: join(dir, 'log-level'),
    NO_COLOR: '1',
    PERFORMANCE_LOG_LEVEL: 'verbose',
  })
  expect(run.code).toBe(0)
  expect(run.stderr).toContain(
    '[vitest-perf] warn PERFORMANCE_LOG_LEVEL: got "verbose"; allowed: debug, info, warn, error, silent',
  )
})

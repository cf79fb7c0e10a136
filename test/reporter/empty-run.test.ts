import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { runFixture } from './run-vitest.js'

const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-empty-run-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('a run that ends before any test ran keeps the previous report', async () => {
  const out = join(dir, 'reports')
  mkdirSync(out, { recursive: true })
  const previous = '{"schemaVersion":1,"kept":true}\n'
  writeFileSync(join(out, 'perf-report.json'), previous)
  writeFileSync(join(out, 'perf-report.html'), '<p>previous</p>')

  // An unknown tag stops Vitest before it collects a test.
  const run = await runFixture(['--tags-filter=nosuchtag'], { FIXTURE_OUT: out, NO_COLOR: '1' })

  expect(run.code).not.toBe(0)
  expect(`${run.stdout}${run.stderr}`).toMatch(/nosuchtag/)
  expect(readFileSync(join(out, 'perf-report.json'), 'utf8')).toBe(previous)
  expect(readFileSync(join(out, 'perf-report.html'), 'utf8')).toBe('<p>previous</p>')
})

test('a run of tests that are not performance tests keeps the previous report', async () => {
  const out = join(dir, 'plain-reports')
  mkdirSync(out, { recursive: true })
  const previous = '{"schemaVersion":1,"kept":true}\n'
  writeFileSync(join(out, 'perf-report.json'), previous)

  const run = await runFixture(['plain'], { FIXTURE_OUT: out, NO_COLOR: '1' })

  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(
    /vitest-perf: no performance test in this run \(1 tests, none measured or tagged/,
  )
  expect(readFileSync(join(out, 'perf-report.json'), 'utf8')).toBe(previous)
})

test('a tagged test that failed before measuring still writes its report', async () => {
  const out = join(dir, 'tagged-reports')
  const run = await runFixture(['beta', '-t', 'failed before any load ran'], {
    FIXTURE_OUT: out,
    NO_COLOR: '1',
  })

  expect(run.code).not.toBe(0)
  const report = JSON.parse(readFileSync(join(out, 'perf-report.json'), 'utf8'))
  const failed = report.tests.find((t: { name: string }) => /failed before any load/.test(t.name))
  expect(failed?.state).toBe('failed')
})

test('a baseline that cannot be read fails a passing run, and the report is still written', async () => {
  const out = join(dir, 'baseline-reports')
  const missing = join(dir, 'no-such-baseline.json')
  const run = await runFixture(['alpha', '-t', 'meets its objectives'], {
    FIXTURE_OUT: out,
    NO_COLOR: '1',
    PERF_BASELINE: missing,
  })

  expect(run.code).toBe(1)
  // The summary agrees with the exit code: it says FAIL, and why, never PASS.
  expect(run.stdout).toContain(
    'FAIL 1 scenario, 1 passed, 0 failed, 3 tests skipped; the run fails because the baseline could not be read',
  )
  expect(run.stdout).not.toMatch(/\bPASS\b/)
  expect(run.stderr).toContain(
    `vitest-perf: no baseline comparison: PERF_BASELINE: ${JSON.stringify(missing)}: no such file; ` +
      'the report was written without one, and the run fails',
  )
  const report = JSON.parse(readFileSync(join(out, 'perf-report.json'), 'utf8'))
  expect(report.scenarios.length).toBeGreaterThan(0)
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { runFixture } from './run-vitest.js'

// Runs in which every test passes and the reporter fails the run all the same.
const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-run-fails-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ONE_SCENARIO = ['alpha', '-t', 'meets its objectives']

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

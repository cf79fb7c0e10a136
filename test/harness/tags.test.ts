import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { perfTags } from '../../src/harness/index.js'

const run = promisify(execFile)
const fixture = fileURLToPath(new URL('./fixtures/tags/', import.meta.url))
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))

/** Runs the fixture project with extra CLI arguments; returns each test's status by name. */
async function runFixture(...args: string[]): Promise<Record<string, string>> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
  )
  const { stdout } = await run(
    process.execPath,
    [vitestBin, 'run', '--config', 'vitest.config.ts', '--reporter=json', ...args],
    { cwd: fixture, env, timeout: 60_000 },
  )
  const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
    testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }>
  }
  return Object.fromEntries(
    report.testResults.flatMap(file => file.assertionResults.map(t => [t.title, t.status])),
  )
}

describe('perfTags', () => {
  it('defines the six tags, endurance with the longest timeout', () => {
    expect(perfTags.map(t => t.name)).toEqual([
      'performance',
      'api_performance',
      'load',
      'stress',
      'endurance',
      'smoke',
    ])
    const timeout = Object.fromEntries(perfTags.map(t => [t.name, t.timeout]))
    expect(timeout.endurance).toBe(Math.max(...perfTags.map(t => t.timeout)))
    expect(timeout.smoke).toBe(Math.min(...perfTags.map(t => t.timeout)))
  })

  it('give tagged tests their timeout, the longer run winning, in a consumer config', async () => {
    // Each fixture test asserts its own task.timeout, so "passed" means the timeout was right.
    expect(await runFixture()).toEqual({
      'smoke scenario': 'passed',
      'load scenario': 'passed',
      'soak scenario': 'passed',
      'stress scenario': 'passed',
    })
  })

  it("filter with --tags-filter='load && !endurance'", async () => {
    expect(await runFixture('--tags-filter=load && !endurance')).toEqual({
      'smoke scenario': 'skipped',
      'load scenario': 'passed',
      'soak scenario': 'skipped',
      'stress scenario': 'skipped',
    })
  })
})

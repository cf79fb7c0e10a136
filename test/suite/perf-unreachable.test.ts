import { createServer } from 'node:net'
import { expect, test } from 'vitest'
import { runPerf } from './run-perf.js'

/** A loopback URL nothing listens on: a port the system just handed out and took back. */
async function closedUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise(resolve => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

test.each(['PERF_BASE_URL', 'SUTAZAI_BASE_URL'])(
  'an unreachable %s stops the whole run at once with a message naming it',
  async name => {
    const url = await closedUrl()
    // The whole project, not a subset: every scenario would run (minutes) if the check missed.
    const run = await runPerf([], { [name]: url })
    try {
      expect(run.code).not.toBe(0)
      expect(run.output).toContain(`${name}=${url} is unreachable (connect ECONNREFUSED`)
      // The message alone: no stack frames through the setup file or Vitest's internals.
      expect(run.output).not.toMatch(/global-setup\.ts:\d|node_modules\/vitest/)
      expect(run.output).not.toMatch(/answers within its objectives|meets its objectives/)
      expect(run.report()?.scenarios ?? []).toHaveLength(0)
      expect(run.durationMs).toBeLessThan(30_000)
    } finally {
      await run.cleanup()
    }
  },
)

test('a bare number in PERF_ENDURANCE_DURATION stops the run before any scenario, even filtered out', async () => {
  const run = await runPerf(['--tags-filter=smoke'], { PERF_ENDURANCE_DURATION: '10' })
  try {
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      `PERF_ENDURANCE_DURATION: got "10"; allowed: a duration with its unit, such as '500ms'`,
    )
    expect(run.output).not.toMatch(/global-setup\.ts:\d|node_modules\/vitest/)
    expect(run.report()?.scenarios ?? []).toHaveLength(0)
  } finally {
    await run.cleanup()
  }
})

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))
const script = fileURLToPath(new URL('./fixtures/plain-script.ts', import.meta.url))
const withoutVitest = fileURLToPath(new URL('./fixtures/without-vitest.mjs', import.meta.url))

describe('load() outside Vitest', () => {
  it('runs in a plain Node script without Vitest, with the host recorder', async () => {
    // The child gets no VITEST* variables, so it is a plain Node process like a user's script,
    // and a module hook makes `vitest` unresolvable there: the package root must not need it.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
    )
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--import', withoutVitest, script],
      {
        cwd: root,
        env: { ...env, NODE_ENV: 'production' },
        timeout: 60_000,
      },
    )
    const lines = stdout.trim().split('\n')
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({
      label: 'plain',
      total: 25,
      successRate: 100,
      host: expect.any(Number),
      vitestEnv: false,
    })
  })
})

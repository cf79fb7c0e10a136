import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { loadMonitorConfig } from '../../src/monitor/config-file.js'

// A project as `npm init` writes it ("type": "commonjs") with an ESM-only package installed,
// exported for `import` alone, as vitest-perf is.
let project = ''

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'vp-commonjs-'))
  writeFileSync(join(project, 'package.json'), '{ "type": "commonjs" }\n')
  const esmOnly = join(project, 'node_modules/esm-only')
  mkdirSync(esmOnly, { recursive: true })
  writeFileSync(
    join(esmOnly, 'package.json'),
    JSON.stringify({
      name: 'esm-only',
      type: 'module',
      exports: { '.': { import: './index.js' } },
    }),
  )
  writeFileSync(join(esmOnly, 'index.js'), 'export const port = 0\n')
})

afterAll(() => {
  rmSync(project, { recursive: true, force: true })
})

describe('a TypeScript monitor config in a CommonJS project', () => {
  const config = "import { port } from 'esm-only'\nexport default { port }\n"

  it('as .ts, says to name it .mts or set "type": "module"', async () => {
    const file = join(project, 'monitor.config.ts')
    writeFileSync(file, config)
    const error = await loadMonitorConfig(file, project).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PerfConfigError)
    expect((error as Error).message).toMatch(
      /^--config: cannot read .*monitor\.config\.ts: .*; this project compiles \.ts files to CommonJS, which cannot load an ESM-only package such as vitest-perf: name the config \.mts, or set "type": "module" in its package\.json$/,
    )
  })

  it('as .mts, loads', async () => {
    const file = join(project, 'monitor.config.mts')
    writeFileSync(file, config)
    expect(await loadMonitorConfig(file, project)).toEqual({ port: 0 })
  })
})

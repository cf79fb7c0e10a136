import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PerfReport } from '../../src/types.js'

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs')

/** The outcome of one `vitest run --project perf` in a child process. */
export interface PerfRun {
  /** Exit code; null when it was killed. */
  code: number | null
  /** stdout and stderr together, in the order they arrived. */
  output: string
  /** Wall time, ms. */
  durationMs: number
  /** The folder the run's `reports/` went to. */
  dir: string
  /** `reports/perf-report.json` of the run, or null when it wrote none. */
  report(): PerfReport | null
  /** Removes the run's folder. */
  cleanup(): Promise<void>
}

/**
 * Runs this repo's perf project as a user would (`vitest run --project perf ...args`), in a
 * child process whose working directory is a fresh temporary folder: the report lands there,
 * not in the repo's `reports/`, and no `.env` of the repo leaks in. `env` is added to a clean
 * copy of this process's environment (Vitest's own worker variables removed, base URL and
 * faults cleared unless given).
 */
export async function runPerf(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<PerfRun> {
  const dir = await mkdtemp(join(tmpdir(), 'vitest-perf-suite-'))
  const childEnv: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'TEST') {
      childEnv[key] = value
    }
  }
  Object.assign(
    childEnv,
    {
      PERF_BASE_URL: '',
      SUTAZAI_BASE_URL: '',
      PERF_FIXTURE_FAULTS: '',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      GITHUB_STEP_SUMMARY: '',
    },
    env,
  )

  // The reporter writes next to the Vitest root; a config of our own that extends the repo's
  // sends this run's report into `dir` instead, so runs never overwrite each other.
  const config = join(dir, 'vitest.config.mts')
  await writeFile(config, reportIntoConfig(join(dir, 'reports')))

  const started = performance.now()
  const argv = [VITEST, 'run', '--root', ROOT, '--config', config, '--project', 'perf', ...args]
  const child = spawn(process.execPath, argv, {
    cwd: dir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', chunk => {
    output += chunk.toString()
  })
  child.stderr.on('data', chunk => {
    output += chunk.toString()
  })

  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>(done => child.once('exit', code => done(code)))
  clearTimeout(timer)

  const reportPath = join(dir, 'reports', 'perf-report.json')
  return {
    code,
    output,
    durationMs: performance.now() - started,
    dir,
    report: () =>
      existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as PerfReport) : null,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}

function reportIntoConfig(outputDir: string): string {
  const base = JSON.stringify(join(ROOT, 'vitest.config.ts'))
  const reporter = JSON.stringify(join(ROOT, 'reporters', 'index.ts'))
  return `import base from ${base}
export default {
  ...base,
  test: {
    ...base.test,
    reporters: ['default', [${reporter}, { outputDir: ${JSON.stringify(outputDir)} }]],
  },
}
`
}

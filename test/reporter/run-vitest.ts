// Runs Vitest as a child process on the reporter's fixture project.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { PerfReport } from '../../src/types.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const fixtureConfig = 'test/reporter/fixtures/project/vitest.config.ts'
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))

export interface VitestRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * `vitest run --config <fixture> ...args` with `env` added; the parent's Vitest variables
 * removed. `control` gets the child as it starts (to signal it, say).
 */
export function runFixture(
  args: string[],
  env: Record<string, string>,
  control?: (child: ChildProcess) => void,
): Promise<VitestRun> {
  const clean: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    // The parent is itself a Vitest worker: its variables would make the child think so too.
    if (key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_ENV') continue
    if (key === 'GITHUB_STEP_SUMMARY' || key === 'FORCE_COLOR' || key === 'PERF_BASELINE') continue
    clean[key] = value
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitestBin, 'run', '--config', fixtureConfig, ...args], {
      cwd: repoRoot,
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    control?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => {
      stdout += chunk
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export function readReport(path: string): PerfReport {
  return JSON.parse(readFileSync(path, 'utf8')) as PerfReport
}

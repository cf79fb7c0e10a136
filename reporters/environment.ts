import { readFileSync } from 'node:fs'
import { arch, availableParallelism, cpus, release, totalmem, type } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadEnv } from '../src/config/env.js'
import type { PerfReport } from '../src/types.js'

/** The machine and settings a report was produced on. Reads `.env` once, like the rest of the library. */
export function environmentInfo(env: NodeJS.ProcessEnv = process.env): PerfReport['environment'] {
  if (env === process.env) loadEnv()
  const baseUrl = (env.PERF_BASE_URL || env.SUTAZAI_BASE_URL || '').trim()
  return {
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    baseUrl: baseUrl || null,
    ci: Boolean(env.CI) && env.CI !== 'false',
  }
}

let version: string | undefined

/**
 * The version of the installed vitest-perf package. The reporter runs from `reporters/` in this
 * repository and from `dist/reporters/` once built, so it walks up to the package's own manifest.
 */
export function toolVersion(): string {
  if (version) return version
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (manifest.name === 'vitest-perf' && manifest.version) {
        version = manifest.version
        return version
      }
    } catch {
      // no manifest at this level: keep walking up
    }
    dir = dirname(dir)
  }
  version = '0.0.0'
  return version
}

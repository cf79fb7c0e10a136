import { invalidOption } from '../src/errors.js'
import { rejectUnknown } from '../src/load/suggest.js'

/** Options of the vitest-perf reporter, as written in `reporters: [['vitest-perf/reporter', {...}]]`. */
export interface PerfReporterOptions {
  /** Folder the report files are written to, relative to the working directory. Default `reports/`. */
  outputDir?: string
  /** Title shown at the top of the HTML report and the CI summary. Default `Performance report`. */
  title?: string
  /** Write `perf-report.json`. Default true. */
  json?: boolean
  /** Write `perf-report.html`. Default true. */
  html?: boolean
  /**
   * A previous `perf-report.json` to compare every scenario against. Default: the
   * `PERF_BASELINE` environment variable, else no comparison.
   */
  baseline?: string
  /** Print the console summary table. Default true. */
  console?: boolean
  /**
   * Fail the run (exit code 1) when a scenario regressed against the baseline. Default: the
   * `PERF_FAIL_ON_REGRESSION` environment variable (`true` or `false`), else true. Off, the
   * regressions are still printed and reported.
   */
  failOnRegression?: boolean
}

/** Options with every default filled in. */
export interface ResolvedReporterOptions {
  outputDir: string
  title: string
  json: boolean
  html: boolean
  baseline: string | null
  console: boolean
  failOnRegression: boolean
}

const KNOWN = ['outputDir', 'title', 'json', 'html', 'baseline', 'console', 'failOnRegression']

/** Checks the options once, before the run, and fills defaults. Throws `PerfConfigError`. */
export function resolveReporterOptions(
  options: PerfReporterOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedReporterOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption('reporter options', options, 'allowed: an object')
  }
  rejectUnknown(options, KNOWN)

  const text = (name: 'outputDir' | 'title' | 'baseline') => {
    const value = options[name]
    if (value === undefined) return undefined
    if (typeof value !== 'string' || value.trim() === '') {
      throw invalidOption(name, value, 'allowed: a non-empty string')
    }
    return value
  }
  const flag = (name: 'json' | 'html' | 'console' | 'failOnRegression') => {
    const value = options[name]
    if (value === undefined) return true
    if (typeof value !== 'boolean') throw invalidOption(name, value, 'allowed: true or false')
    return value
  }

  return {
    outputDir: text('outputDir') ?? 'reports',
    title: text('title') ?? 'Performance report',
    json: flag('json'),
    html: flag('html'),
    baseline: text('baseline') ?? (env.PERF_BASELINE?.trim() || null),
    console: flag('console'),
    failOnRegression:
      options.failOnRegression === undefined
        ? (envFlag(env, 'PERF_FAIL_ON_REGRESSION') ?? true)
        : flag('failOnRegression'),
  }
}

// An environment variable holds text: `true` or `false`, any case; empty or unset is no value.
function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = env[name]?.trim().toLowerCase()
  if (!value) return undefined
  if (value === 'true') return true
  if (value === 'false') return false
  throw invalidOption(name, env[name], 'allowed: true or false')
}

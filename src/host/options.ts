import type { Duration } from '../config/duration.js'
import { parseDuration } from '../config/duration.js'
import { invalidOption, PerfConfigError } from '../errors.js'
import { didYouMean } from '../load/suggest.js'
import type { JudgementBasis, LevelOptions, LevelTable } from '../slo/levels.js'
import { validateLevels } from '../slo/levels.js'
import type { HostSample } from '../types.js'
import type { SourceKind } from './sources.js'

/** Options of `recordHost`. Every one is optional; defaults are named on each. */
export interface RecordHostOptions {
  /** Time between samples: ms, or `'500ms'`, `'5s'`. From 100 ms to 1 hour. Default 1000. */
  intervalMs?: Duration
  /** Mount points whose disk usage is sampled; `disk` is the fullest. Default `['/']`. */
  mounts?: string[]
  /** Processes to watch (the service under test): CPU percent of one core and RSS. Default none. */
  pids?: number[]
  /** Resource levels, percent; what is left out comes from `defaultLevels`. */
  levels?: LevelOptions
  /** The statistic each resource's level is judged on. Default `'p95'`. */
  basis?: JudgementBasis
  /** Samples kept for charts; older ones are merged when more arrive. At least 10. Default 10,000. */
  maxSamples?: number
  /** Longest wait for one custom collector call, ms. Default 1000, or the interval if shorter. */
  collectorTimeoutMs?: number
  /** Where readings come from. Default `'auto'`: /proc on Linux, portable calls elsewhere. */
  source?: SourceKind
  /** Called with each sample as it is taken (the monitor streams them). Must not throw. */
  onSample?: (sample: HostSample) => void
}

/** Options after validation, with every default filled in. */
export interface ResolvedHostOptions {
  intervalMs: number
  mounts: string[]
  pids: number[]
  levels: LevelTable
  basis: JudgementBasis
  maxSamples: number
  collectorTimeoutMs: number
  source: SourceKind
  onSample: ((sample: HostSample) => void) | undefined
}

/** The defaults, in one place. */
export const hostDefaults = {
  intervalMs: 1000,
  mounts: ['/'],
  basis: 'p95',
  maxSamples: 10_000,
  collectorTimeoutMs: 1000,
} as const

const MIN_INTERVAL_MS = 100
const MAX_INTERVAL_MS = 3_600_000
const KNOWN = new Set([
  'intervalMs',
  'mounts',
  'pids',
  'levels',
  'basis',
  'maxSamples',
  'collectorTimeoutMs',
  'source',
  'onSample',
])

/** Checks every option before the recorder starts; throws `PerfConfigError` naming the option. */
export function resolveHostOptions(options: RecordHostOptions = {}): ResolvedHostOptions {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('host', options, 'allowed: an options object')
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new PerfConfigError(
        key,
        `${key}: unknown host option; ${didYouMean(key, [...KNOWN])}` +
          `allowed: ${[...KNOWN].join(', ')}`,
      )
    }
  }

  const intervalMs = parseDuration(options.intervalMs ?? hostDefaults.intervalMs, 'intervalMs')
  if (intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
    throw invalidOption('intervalMs', options.intervalMs, 'allowed: from 100 ms to 1 hour')
  }

  return {
    intervalMs,
    mounts: checkMounts(options.mounts),
    pids: checkPids(options.pids),
    levels: validateLevels(options.levels ?? {}, 'levels'),
    basis: checkBasis(options.basis),
    maxSamples: checkMaxSamples(options.maxSamples),
    collectorTimeoutMs: checkCollectorTimeout(options.collectorTimeoutMs, intervalMs),
    source: checkSource(options.source),
    onSample: checkOnSample(options.onSample),
  }
}

function checkMounts(mounts: unknown): string[] {
  if (mounts === undefined) return [...hostDefaults.mounts]
  const allowed = 'allowed: a non-empty list of absolute paths, e.g. ["/", "/var/lib/data"]'
  if (!Array.isArray(mounts) || mounts.length === 0) throw invalidOption('mounts', mounts, allowed)
  for (const mount of mounts) {
    if (typeof mount !== 'string' || !isAbsolute(mount))
      throw invalidOption('mounts', mount, allowed)
  }
  return [...new Set(mounts as string[])]
}

function checkPids(pids: unknown): number[] {
  if (pids === undefined) return []
  const allowed = 'allowed: a list of process ids (positive integers)'
  if (!Array.isArray(pids)) throw invalidOption('pids', pids, allowed)
  for (const pid of pids) {
    if (!Number.isInteger(pid) || (pid as number) <= 0) throw invalidOption('pids', pid, allowed)
  }
  return [...new Set(pids as number[])]
}

function checkBasis(basis: unknown): JudgementBasis {
  if (basis === undefined) return hostDefaults.basis
  if (basis === 'p95' || basis === 'mean' || basis === 'max') return basis
  throw invalidOption('basis', basis, "allowed: 'p95', 'mean' or 'max'")
}

function checkMaxSamples(maxSamples: unknown): number {
  if (maxSamples === undefined) return hostDefaults.maxSamples
  if (!Number.isInteger(maxSamples) || (maxSamples as number) < 10) {
    throw invalidOption('maxSamples', maxSamples, 'allowed: an integer of at least 10')
  }
  return maxSamples as number
}

function checkCollectorTimeout(timeout: unknown, intervalMs: number): number {
  if (timeout === undefined) return Math.min(hostDefaults.collectorTimeoutMs, intervalMs)
  if (
    typeof timeout !== 'number' ||
    !Number.isFinite(timeout) ||
    timeout <= 0 ||
    timeout > intervalMs
  ) {
    throw invalidOption(
      'collectorTimeoutMs',
      timeout,
      `allowed: milliseconds above 0, at most intervalMs (${intervalMs})`,
    )
  }
  return timeout
}

function checkSource(source: unknown): SourceKind {
  if (source === undefined) return 'auto'
  if (source === 'auto' || source === 'proc' || source === 'portable') return source
  throw invalidOption('source', source, "allowed: 'auto', 'proc' or 'portable'")
}

function checkOnSample(onSample: unknown): ((sample: HostSample) => void) | undefined {
  if (onSample === undefined) return undefined
  if (typeof onSample === 'function') return onSample as (sample: HostSample) => void
  throw invalidOption('onSample', onSample, 'allowed: a function')
}

function isAbsolute(path: string): boolean {
  // POSIX roots and Windows drive roots (`C:\`), without importing a platform's path module.
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)
}

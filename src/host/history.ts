import type { HostSample } from '../types.js'

/**
 * The samples kept for charts, at most `max`. When full, the older half is merged pair by pair
 * (means, and the worst loop delay), so the newest samples keep full detail, older ones get
 * coarser the older they are, and memory stays flat however long a soak runs. The newest
 * sample is never merged away. Judgements do not depend on this: they come from
 * `Distribution`, which sees every sample.
 */
export class SampleHistory {
  #samples: HostSample[] = []

  constructor(private readonly max: number) {}

  push(sample: HostSample): void {
    this.#samples.push(sample)
    if (this.#samples.length > this.max) this.#compact()
  }

  /** A copy, oldest first. */
  all(): HostSample[] {
    return this.#samples.slice()
  }

  get length(): number {
    return this.#samples.length
  }

  #compact(): void {
    const older = this.#samples.length >> 1
    const pairs = older >> 1
    const merged: HostSample[] = []
    for (let i = 0; i < pairs; i++) {
      merged.push(
        mergeSamples(this.#samples[2 * i] as HostSample, this.#samples[2 * i + 1] as HostSample),
      )
    }
    this.#samples = merged.concat(this.#samples.slice(pairs * 2))
  }
}

/**
 * Every value of one measure, in bins of `step` from 0 to `limit` (a percent: 0.1 by default),
 * with the exact mean and peak: percentiles of a whole soak in fixed memory.
 */
export class Distribution {
  readonly #bins: Uint32Array
  #count = 0
  #sum = 0
  #peak = Number.NEGATIVE_INFINITY

  constructor(
    limit = 100,
    private readonly step = 0.1,
  ) {
    this.#bins = new Uint32Array(Math.round(limit / step) + 1)
  }

  add(value: number | null | undefined): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) return
    const bin = Math.min(this.#bins.length - 1, Math.max(0, Math.round(value / this.step)))
    this.#bins[bin] = (this.#bins[bin] as number) + 1
    this.#count++
    this.#sum += value
    if (value > this.#peak) this.#peak = value
  }

  get count(): number {
    return this.#count
  }

  /** Nearest-rank percentile, to the bin's precision; null when empty. */
  percentile(p: number): number | null {
    if (this.#count === 0) return null
    const rank = Math.max(1, Math.ceil((p * this.#count) / 100))
    let seen = 0
    for (let bin = 0; bin < this.#bins.length; bin++) {
      seen += this.#bins[bin] as number
      if (seen >= rank) return Math.min(bin * this.step, this.#peak)
    }
    return this.#peak
  }

  /** `{ p95, peak, mean, samples }`, or null when nothing was added. */
  stats(): { p95: number; peak: number; mean: number; samples: number } | null {
    const p95 = this.percentile(95)
    if (p95 === null) return null
    return { p95, peak: this.#peak, mean: this.#sum / this.#count, samples: this.#count }
  }
}

/** Two neighbouring samples as one covering both intervals, stamped with the later time. */
export function mergeSamples(a: HostSample, b: HostSample): HostSample {
  const merged: HostSample = {
    t: b.t,
    cpu: mean(a.cpu, b.cpu),
    memory: mean(a.memory, b.memory),
    disk: mean(a.disk, b.disk),
    rxBps: mean(a.rxBps, b.rxBps),
    txBps: mean(a.txBps, b.txBps),
    loopDelayP99Ms: Math.max(a.loopDelayP99Ms, b.loopDelayP99Ms),
    loopUtilization: (a.loopUtilization + b.loopUtilization) / 2,
  }

  if (a.cpuCores !== undefined || b.cpuCores !== undefined) {
    merged.cpuCores = meanArrays(a.cpuCores ?? null, b.cpuCores ?? null)
  }
  if (a.memoryUsedBytes !== undefined || b.memoryUsedBytes !== undefined) {
    merged.memoryUsedBytes = mean(a.memoryUsedBytes ?? null, b.memoryUsedBytes ?? null)
  }
  if (b.disks) merged.disks = meanRecord(a.disks, b.disks)
  if (b.loadAverage !== undefined) merged.loadAverage = b.loadAverage
  if (b.loopDelayP50Ms !== undefined) {
    merged.loopDelayP50Ms = mean(a.loopDelayP50Ms ?? null, b.loopDelayP50Ms) as number
  }
  if (b.loopDelayMaxMs !== undefined) {
    merged.loopDelayMaxMs = Math.max(a.loopDelayMaxMs ?? 0, b.loopDelayMaxMs)
  }
  if (b.processes) merged.processes = mergeProcesses(a.processes, b.processes)
  if (a.custom || b.custom) merged.custom = meanRecord(a.custom, b.custom) as Record<string, number>
  return merged
}

function mergeProcesses(
  a: HostSample['processes'],
  b: NonNullable<HostSample['processes']>,
): NonNullable<HostSample['processes']> {
  const merged: NonNullable<HostSample['processes']> = {}
  for (const [pid, later] of Object.entries(b)) {
    const earlier = a?.[pid]
    // Gone in the later sample means gone for the merged one: it ended within the span.
    merged[pid] =
      later && earlier
        ? {
            cpu: (earlier.cpu + later.cpu) / 2,
            rssBytes: Math.max(earlier.rssBytes, later.rssBytes),
          }
        : later
  }
  return merged
}

function meanRecord(
  a: Record<string, number | null> | undefined,
  b: Record<string, number | null> | undefined,
): Record<string, number | null> {
  const merged: Record<string, number | null> = {}
  for (const key of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
    merged[key] = mean(a?.[key] ?? null, b?.[key] ?? null)
  }
  return merged
}

function meanArrays(a: number[] | null, b: number[] | null): number[] | null {
  if (!a || !b || a.length !== b.length) return b ?? a
  return b.map((value, i) => ((a[i] as number) + value) / 2)
}

function mean(a: number | null, b: number | null): number | null {
  if (a === null) return b
  if (b === null) return a
  return (a + b) / 2
}

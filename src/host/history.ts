import type { HostSample } from '../types.js'

/**
 * The samples kept for charts, at most `max`. Every sample is kept until `max` is reached;
 * then neighbouring points are merged pair by pair (weighted means, the worst loop delay) and
 * from then on every two incoming samples become one point, then four, and so on. The whole
 * recording stays evenly covered, memory stays flat however long a soak runs, and the newest
 * sample is always the last point, unmerged, until the next one arrives. Judgements do not
 * depend on this: they come from `Distribution`, which sees every sample.
 */
export class SampleHistory {
  #points: HostSample[] = []
  #weights: number[] = []
  /** Samples per point from now on. */
  #stride = 1
  /** Samples not yet a whole point: merged into `#bucket`; the newest kept as it came. */
  #bucket: { sample: HostSample; weight: number } | null = null
  #newest: HostSample | null = null

  constructor(private readonly max: number) {}

  push(sample: HostSample): void {
    if (this.#newest) {
      this.#bucket = this.#bucket
        ? {
            sample: mergeSamples(this.#bucket.sample, this.#newest, this.#bucket.weight, 1),
            weight: this.#bucket.weight + 1,
          }
        : { sample: this.#newest, weight: 1 }
      if (this.#bucket.weight >= this.#stride) this.#flush()
    }
    this.#newest = sample

    while (this.length > this.max) this.#halve()
  }

  /** A copy, oldest first; the last element is the newest sample as it came. */
  all(): HostSample[] {
    const all = this.#points.slice()
    if (this.#bucket) all.push(this.#bucket.sample)
    if (this.#newest) all.push(this.#newest)
    return all
  }

  get length(): number {
    return this.#points.length + (this.#bucket ? 1 : 0) + (this.#newest ? 1 : 0)
  }

  #flush(): void {
    if (!this.#bucket) return
    this.#points.push(this.#bucket.sample)
    this.#weights.push(this.#bucket.weight)
    this.#bucket = null
  }

  #halve(): void {
    // A partial bucket joins the points first, so the merge below sees every old sample.
    this.#flush()
    const points: HostSample[] = []
    const weights: number[] = []
    for (let i = 0; i < this.#points.length; i += 2) {
      const a = this.#points[i] as HostSample
      const b = this.#points[i + 1]
      const wa = this.#weights[i] as number
      const wb = this.#weights[i + 1] ?? 0
      points.push(b ? mergeSamples(a, b, wa, wb) : a)
      weights.push(wa + wb)
    }
    this.#points = points
    this.#weights = weights
    this.#stride *= 2
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

/**
 * Two neighbouring samples as one covering both spans, stamped with the later time. `wa` and
 * `wb` are how many samples each already stands for, so means stay means of the raw samples.
 */
export function mergeSamples(a: HostSample, b: HostSample, wa = 1, wb = 1): HostSample {
  const mean = (x: number | null, y: number | null) => weighted(x, y, wa, wb)
  const merged: HostSample = {
    t: b.t,
    cpu: mean(a.cpu, b.cpu),
    memory: mean(a.memory, b.memory),
    disk: mean(a.disk, b.disk),
    rxBps: mean(a.rxBps, b.rxBps),
    txBps: mean(a.txBps, b.txBps),
    loopDelayP99Ms: Math.max(a.loopDelayP99Ms, b.loopDelayP99Ms),
    loopUtilization: mean(a.loopUtilization, b.loopUtilization) as number,
  }

  if (a.cpuCores !== undefined || b.cpuCores !== undefined) {
    merged.cpuCores = meanArrays(a.cpuCores ?? null, b.cpuCores ?? null, wa, wb)
  }
  if (a.memoryUsedBytes !== undefined || b.memoryUsedBytes !== undefined) {
    merged.memoryUsedBytes = mean(a.memoryUsedBytes ?? null, b.memoryUsedBytes ?? null)
  }
  if (b.disks) merged.disks = meanRecord(a.disks, b.disks, wa, wb)
  if (b.loadAverage !== undefined) merged.loadAverage = b.loadAverage
  if (b.loopDelayP50Ms !== undefined) {
    merged.loopDelayP50Ms = mean(a.loopDelayP50Ms ?? null, b.loopDelayP50Ms) as number
  }
  if (b.loopDelayMaxMs !== undefined) {
    merged.loopDelayMaxMs = Math.max(a.loopDelayMaxMs ?? 0, b.loopDelayMaxMs)
  }
  if (b.processes) merged.processes = mergeProcesses(a.processes, b.processes, wa, wb)
  if (a.custom || b.custom) {
    merged.custom = meanRecord(a.custom, b.custom, wa, wb) as Record<string, number>
  }
  return merged
}

function mergeProcesses(
  a: HostSample['processes'],
  b: NonNullable<HostSample['processes']>,
  wa: number,
  wb: number,
): NonNullable<HostSample['processes']> {
  const merged: NonNullable<HostSample['processes']> = {}
  for (const [pid, later] of Object.entries(b)) {
    const earlier = a?.[pid]
    // Gone in the later sample means gone for the merged one: it ended within the span.
    merged[pid] =
      later && earlier
        ? {
            cpu: weighted(earlier.cpu, later.cpu, wa, wb) as number,
            rssBytes: Math.max(earlier.rssBytes, later.rssBytes),
          }
        : later
  }
  return merged
}

function meanRecord(
  a: Record<string, number | null> | undefined,
  b: Record<string, number | null> | undefined,
  wa: number,
  wb: number,
): Record<string, number | null> {
  const merged: Record<string, number | null> = {}
  for (const key of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
    merged[key] = weighted(a?.[key] ?? null, b?.[key] ?? null, wa, wb)
  }
  return merged
}

function meanArrays(
  a: number[] | null,
  b: number[] | null,
  wa: number,
  wb: number,
): number[] | null {
  if (!a || !b || a.length !== b.length) return b ?? a
  return b.map((value, i) => weighted(a[i] as number, value, wa, wb) as number)
}

/** The weighted mean; an unavailable side (null) leaves the other as it is. */
function weighted(a: number | null, b: number | null, wa: number, wb: number): number | null {
  if (a === null) return b
  if (b === null) return a
  return (a * wa + b * wb) / (wa + wb)
}

import type { ComplianceRow, HostSummary, LoadResult } from '../src/index.js'

/** What changed between the start and the end of a soak. */
export interface Drift {
  /** Seconds compared at each end of the run. */
  windowS: number
  /** Per endpoint: median of the per-second p95 latency at the start and the end, ms. */
  latency: Array<{ label: string; startP95: number; endP95: number; changeMs: number }>
  /** The service's resident memory at the start and the end (means over the windows), MB. */
  serviceRss: { startMb: number; endMb: number; changeMb: number } | null
  /** The host's memory use at the start and the end (means over the windows), percent. */
  hostMemory: { startPct: number; endPct: number; changePct: number } | null
}

/** Compares the first and last `windowS` seconds of each result's timeline and the host samples. */
export function measureDrift(
  results: readonly LoadResult[],
  host: HostSummary | null,
  servicePid: number | null,
): Drift {
  const seconds = Math.min(...results.map(r => r.timeline.length))
  // A quarter of the run at each end, at least 5 s and at most 30 s: long enough that one
  // noisy second does not decide, short enough that the ends do not overlap.
  const windowS = Math.max(5, Math.min(30, Math.floor(seconds / 4)))

  const latency = results.map(result => {
    const active = result.timeline.filter(entry => entry.rps > 0)
    const startP95 = median(active.slice(0, windowS).map(entry => entry.p95))
    const endP95 = median(active.slice(-windowS).map(entry => entry.p95))
    return { label: result.label, startP95, endP95, changeMs: endP95 - startP95 }
  })

  return {
    windowS,
    latency,
    serviceRss: serviceRss(host, servicePid, windowS),
    hostMemory: hostMemory(host, windowS),
  }
}

/**
 * Compliance rows for a drift: each endpoint's p95 may rise by at most `latencyShare` of its
 * p95 budget from start to end, and the service's memory by at most `rssGrowthMb`.
 */
export function driftRows(
  drift: Drift,
  p95Budget: (label: string) => number,
  options: { latencyShare: number; rssGrowthMb: number },
): ComplianceRow[] {
  const rows: ComplianceRow[] = drift.latency.map(entry => {
    const target = round(p95Budget(entry.label) * options.latencyShare)
    return {
      scenario: entry.label,
      metric: 'p95 drift',
      target,
      actual: round(entry.changeMs),
      unit: 'ms',
      comparator: '<=',
      passed: entry.changeMs <= target,
    }
  })
  if (drift.serviceRss) {
    rows.push({
      scenario: 'service',
      metric: 'memory drift',
      target: options.rssGrowthMb,
      actual: round(drift.serviceRss.changeMb),
      unit: 'MB',
      comparator: '<=',
      passed: drift.serviceRss.changeMb <= options.rssGrowthMb,
    })
  }
  return rows
}

/** One line per figure, for the test's annotation and the console. */
export function describeDrift(drift: Drift): string {
  const parts = drift.latency.map(
    entry =>
      `${entry.label} p95 ${round(entry.startP95)} → ${round(entry.endP95)} ms (${signed(entry.changeMs)} ms)`,
  )
  if (drift.serviceRss) {
    const { startMb, endMb, changeMb } = drift.serviceRss
    parts.push(`service RSS ${round(startMb)} → ${round(endMb)} MB (${signed(changeMb)} MB)`)
  }
  if (drift.hostMemory) {
    const { startPct, endPct, changePct } = drift.hostMemory
    parts.push(`host memory ${round(startPct)} → ${round(endPct)}% (${signed(changePct)} points)`)
  }
  return `drift over the first and last ${drift.windowS} s: ${parts.join('; ')}`
}

function serviceRss(host: HostSummary | null, pid: number | null, windowS: number) {
  if (!host || pid === null) return null
  const points = host.samples
    .map(sample => ({ t: sample.t, rss: sample.processes?.[String(pid)]?.rssBytes }))
    .filter((point): point is { t: number; rss: number } => typeof point.rss === 'number')
  const ends = windowEnds(points, windowS)
  if (!ends) return null
  const startMb = mean(ends.start.map(p => p.rss)) / 1_048_576
  const endMb = mean(ends.end.map(p => p.rss)) / 1_048_576
  return { startMb, endMb, changeMb: endMb - startMb }
}

function hostMemory(host: HostSummary | null, windowS: number) {
  if (!host) return null
  const points = host.samples
    .map(sample => ({ t: sample.t, value: sample.memory }))
    .filter((point): point is { t: number; value: number } => typeof point.value === 'number')
  const ends = windowEnds(points, windowS)
  if (!ends) return null
  const startPct = mean(ends.start.map(p => p.value))
  const endPct = mean(ends.end.map(p => p.value))
  return { startPct, endPct, changePct: endPct - startPct }
}

/** The points in the first and last `windowS` seconds, or null with too few to compare. */
function windowEnds<T extends { t: number }>(points: T[], windowS: number) {
  if (points.length < 4) return null
  const first = points[0]!.t
  const last = points.at(-1)!.t
  const start = points.filter(p => p.t <= first + windowS)
  const end = points.filter(p => p.t >= last - windowS)
  return start.length && end.length ? { start, end } : null
}

function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

function signed(value: number): string {
  const rounded = round(value)
  return rounded >= 0 ? `+${rounded}` : String(rounded)
}

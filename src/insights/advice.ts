import type { Advice, HostSample, LoadResult } from '../types.js'
import { findLatencyKnee } from './knee.js'
import { round, type SeriesPoint } from './series.js'
import { hasLatency, offeredRates } from './timeline.js'
import { findTrend, timeToThreshold } from './trend.js'

/** What `advise` may know beyond the result. */
export interface AdviceContext {
  /** The run was a soak (a long run at steady load): memory growth then weighs more. */
  soak?: boolean
  /** Memory must rise for at least this long before it counts as steady growth, seconds. Default 60. */
  minMemorySpanSeconds?: number
  /** Least R² of the memory line. Default 0.8: the growth must be steady, not a few jumps. */
  minMemoryR2?: number
}

/**
 * Explainable advice on one result. Each rule fires on figures it shows as evidence:
 *
 * - `generator-saturated`: the host recorder found the load generator saturated, so its
 *   latency includes its own queueing;
 * - `timeouts-at-capacity`: timeouts are half or more of the failures (at least 5 and 1%
 *   of requests), with the rate when they began and whether the rate was rising;
 * - `latency-knee`: in a ramp, the arrival rate where p95 bends upward (see `findLatencyKnee`;
 *   the rate of each second is what completed, was dropped or is still in flight);
 * - `service-cpu-critical`: the host's CPU was judged at its critical level;
 * - `memory-leak`: host memory (percent) or a watched process's RSS rose on a steady line
 *   (R² ≥ 0.8 by default) for at least a minute, by at least 1 point of memory percent
 *   or 5% of the process's starting RSS.
 */
export function advise(result: LoadResult, context: AdviceContext = {}): Advice[] {
  const advice: Advice[] = []
  const push = (item: Advice | null) => {
    if (item) advice.push(item)
  }
  push(generatorSaturated(result))
  push(timeoutsAtCapacity(result))
  push(latencyKnee(result))
  push(cpuCritical(result))
  for (const item of memoryGrowth(result, context)) advice.push(item)
  return advice
}

function generatorSaturated(result: LoadResult): Advice | null {
  const host = result.host
  if (!host?.saturated) return null
  return {
    rule: 'generator-saturated',
    severity: 'warning',
    // The recorder's reason is a whole explanation already; it is only written out here when
    // an older report lacks it.
    message:
      host.saturationReason ??
      'The load generator was saturated: the latency figures include its own queueing and ' +
        'read high. Lower the rate or connections, or spread the load over workers.',
    evidence: {
      reason: host.saturationReason ?? 'saturated',
      loopDelayP99Ms: round(host.eventLoop.delayMs.p99),
      meanLoopUtilization: round(host.eventLoop.utilization),
    },
  }
}

function timeoutsAtCapacity(result: LoadResult): Advice | null {
  const failed = result.requests.failed
  let timeouts = 0
  for (const [kind, count] of Object.entries(result.errors)) {
    if (/timeout/i.test(kind)) timeouts += count
  }
  if (failed < Math.max(5, 0.01 * result.requests.total) || timeouts < 0.5 * failed) return null

  const timeline = result.timeline
  const onset = timeline.findIndex(e => e.errors > 0)
  const evidence: Record<string, number | string> = {
    timeouts,
    failed,
    timeoutSharePct: round((100 * timeouts) / failed),
    successRatePct: round(result.successRate),
  }
  let rising = false
  if (onset >= 0) {
    const at = timeline[onset]!
    evidence.onsetSeconds = at.t
    // The arrival rate at the onset, averaged over three seconds, against the first fifth.
    const rates = offeredRates(timeline)
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length
    const offered = mean(rates.slice(Math.max(0, onset - 2), onset + 1))
    evidence.rpsAtOnset = round(offered)
    const earlyRate = mean(rates.slice(0, Math.max(1, Math.ceil(rates.length / 5))))
    rising = onset > 0 && offered >= 1.2 * earlyRate
    if (rising) evidence.rpsAtStart = round(earlyRate)
  }
  const when = rising
    ? ` and began at t=${evidence.onsetSeconds} s as the rate rose to about ${evidence.rpsAtOnset} req/s`
    : ''
  return {
    rule: 'timeouts-at-capacity',
    severity: result.successRate < 99 ? 'critical' : 'warning',
    message:
      `Timeouts are ${evidence.timeoutSharePct}% of the ${failed} failures${when}: the service ` +
      'cannot answer in time at this load, so its capacity is reached. Find the bottleneck, ' +
      'or keep the rate below it.',
    evidence,
  }
}

function latencyKnee(result: LoadResult): Advice | null {
  const timeline = result.timeline
  const offered = offeredRates(timeline)
  // A second's latency belongs to the rate when its requests arrived, about one median
  // latency earlier: without this shift a queue that builds up shows its latency late, at
  // a higher rate, and the knee would be placed past the real one.
  const rates: number[] = []
  const p95: number[] = []
  for (let i = 0; i < timeline.length; i++) {
    const e = timeline[i]!
    const arrived = Math.max(0, i - Math.round(e.p50 / 1000))
    const rate = offered[arrived]!
    if (hasLatency(e) && rate > 0) {
      rates.push(rate)
      p95.push(e.p95)
    }
  }
  const knee = findLatencyKnee(rates, p95)
  if (!knee) return null
  return {
    rule: 'latency-knee',
    severity: 'info',
    message:
      `p95 bends upward when the arrival rate passes about ${round(knee.rps)} req/s ` +
      `(${round(knee.p95Ms)} ms there, ${round(knee.p95AtMaxMs)} ms at ${round(knee.maxRps)} ` +
      "req/s): the service's practical capacity at this latency; keep the production rate " +
      'below it.',
    evidence: {
      kneeRps: round(knee.rps),
      p95AtKneeMs: round(knee.p95Ms),
      slopeBelowMsPer100Rps: round(knee.slopeBelow),
      slopeAboveMsPer100Rps: round(knee.slopeAbove),
      maxRps: round(knee.maxRps),
      p95AtMaxMs: round(knee.p95AtMaxMs),
    },
  }
}

/**
 * Fewest CPU samples that say a service is CPU-bound: one or two cover a run too short to
 * tell a busy service from the start-up of the run itself.
 */
const MIN_CPU_SAMPLES = 3

function cpuCritical(result: LoadResult): Advice | null {
  const cpu = result.host?.cpu
  if (cpu?.level !== 'critical') return null
  if (cpu.samples !== undefined && cpu.samples < MIN_CPU_SAMPLES) return null
  const generator = result.host?.saturated
    ? ' The generator was saturated too, so part of this load is its own.'
    : ''
  return {
    rule: 'service-cpu-critical',
    severity: 'critical',
    message:
      `CPU was at its critical level (${cpu.basis} ${round(cpu.value)}% ≥ ` +
      `${cpu.thresholds.critical}%, peak ${round(cpu.peak)}%): the service is CPU-bound ` +
      `and latency will climb with any more load.${generator}`,
    evidence: {
      [`cpu${cpu.basis.toUpperCase()}Pct`]: round(cpu.value),
      peakPct: round(cpu.peak),
      criticalPct: cpu.thresholds.critical,
    },
  }
}

function memoryGrowth(result: LoadResult, context: AdviceContext): Advice[] {
  const host = result.host
  if (!host || host.samples.length < 10) return []
  const minSpan = context.minMemorySpanSeconds ?? 60
  const minR2 = context.minMemoryR2 ?? 0.8
  const found: Advice[] = []

  const memory = seriesOf(host.samples, s => s.memory)
  const hostAdvice = steadyRise(
    memory,
    'host memory',
    '%',
    minSpan,
    minR2,
    (_first, rise) => rise >= 1,
  )
  if (hostAdvice) {
    const critical = host.memory?.thresholds.critical
    if (critical !== undefined) {
      const crossing = timeToThreshold(memory, critical, { minR2 })
      if (crossing && !crossing.reached) {
        hostAdvice.evidence.minutesToCriticalLevel = round(crossing.inSeconds / 60)
        hostAdvice.message += ` At this rate it reaches the critical level (${critical}%) in about ${round(crossing.inSeconds / 60, 2)} min.`
      }
    }
    found.push(hostAdvice)
  }

  const pids = new Set<string>()
  for (const s of host.samples) for (const pid of Object.keys(s.processes ?? {})) pids.add(pid)
  for (const pid of pids) {
    const rss = seriesOf(host.samples, s => {
      const p = s.processes?.[pid]
      return p ? p.rssBytes / 1048576 : null
    })
    const label = `process ${pid} RSS`
    const item = steadyRise(rss, label, 'MB', minSpan, minR2, (first, rise) => rise >= 0.05 * first)
    if (item) found.push(item)
  }

  if (context.soak)
    for (const item of found) item.message += ' This was a soak, where memory should level off.'
  return found
}

/** Advice when `series` rises on a steady line for long enough and by enough. */
function steadyRise(
  series: SeriesPoint[],
  what: string,
  unit: string,
  minSpan: number,
  minR2: number,
  enough: (first: number, rise: number) => boolean,
): Advice | null {
  if (series.length < 10) return null
  const span = series[series.length - 1]!.t - series[0]!.t
  if (span < minSpan) return null
  const trend = findTrend(series, { metric: what, unit, minR2 })
  if (!trend || trend.slopePerMinute <= 0) return null
  const rise = (trend.slopePerMinute * span) / 60
  if (!enough(series[0]!.value, rise)) return null
  return {
    rule: 'memory-leak',
    severity: 'warning',
    message:
      `${what} rose steadily: ${round(trend.slopePerMinute)} ${unit} per minute over ` +
      `${round(span / 60)} min (R² ${round(trend.r2, 2)}), ${round(rise)} ${unit} in all: ` +
      'a possible leak. Run longer to see whether it levels off, and take heap snapshots.',
    evidence: {
      metric: what,
      slopePerMinute: round(trend.slopePerMinute),
      unit,
      r2: round(trend.r2, 3),
      points: trend.points,
      spanMinutes: round(span / 60),
      rise: round(rise),
    },
  }
}

/** A host sample field as a series, leaving out the samples where it is missing. */
export function seriesOf(
  samples: readonly HostSample[],
  pick: (s: HostSample) => number | null | undefined,
): SeriesPoint[] {
  const series: SeriesPoint[] = []
  for (const s of samples) {
    const value = pick(s)
    if (typeof value === 'number' && Number.isFinite(value) && Number.isFinite(s.t)) {
      series.push({ t: s.t, value })
    }
  }
  return series
}

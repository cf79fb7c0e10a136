import { decodeFromCompressedBase64 } from 'hdr-histogram-js'
import type { LevelThresholds, ScenarioRecord, TimelineEntry } from '../../src/types.js'

/**
 * Chart series are capped at this many points. A 10-minute run has 600 per-second entries; the
 * charts are a few hundred pixels wide, so more points would only grow the file.
 */
export const MAX_POINTS = 300

/** The compact, columnar data the page's script draws one scenario's charts from. */
export interface ScenarioChartData {
  /** Latency distribution: x is 1 / (1 - percentile / 100), so 10 = p90 and 10 000 = p99.99. */
  pct: { x: number[]; raw: number[]; corrected: number[] | null } | null
  /** Per-second timeline (bucketed when long: latency is the bucket's max, rates its mean). */
  tl: {
    t: number[]
    p50: number[]
    p95: number[]
    p99: number[]
    rps: number[]
    errors: number[]
    dropped: number[]
  } | null
  /** Host samples over time, percent, and the generator's event-loop delay p99 in ms. */
  host: {
    t: number[]
    cpu: Array<number | null>
    memory: Array<number | null>
    disk: Array<number | null>
    loop: number[]
    levels: Partial<Record<'cpu' | 'memory' | 'disk', LevelThresholds>>
  } | null
  /** Points to mark on the timeline charts: anomalies and level shifts. */
  marks: Array<{ metric: string; t: number; kind: 'anomaly' | 'shift'; text: string }>
}

/** Chart data for every scenario, in report order. */
export function chartData(scenarios: readonly ScenarioRecord[]): ScenarioChartData[] {
  return scenarios.map(scenario => ({
    pct: percentileCurve(scenario),
    tl: timeline(scenario.timeline ?? []),
    host: hostSeries(scenario),
    marks: marks(scenario),
  }))
}

// 10 points per decade from p0 to p99.99: the shape of an HDR percentile plot.
const STEPS = Array.from({ length: 41 }, (_, step) => 10 ** (step / 10))

function percentileCurve(scenario: ScenarioRecord): ScenarioChartData['pct'] {
  const raw = curve(scenario.histogram)
  if (!raw) return null
  return { x: STEPS.map(x => sig(x)), raw, corrected: curve(scenario.correctedHistogram) }
}

function curve(encoded: string | null | undefined): number[] | null {
  if (!encoded) return null
  try {
    const histogram = decodeFromCompressedBase64(encoded)
    if (histogram.totalCount === 0) return null
    // Histograms record microseconds; the report speaks milliseconds.
    return STEPS.map(x => sig(histogram.getValueAtPercentile(100 * (1 - 1 / x)) / 1000))
  } catch {
    return null
  }
}

function timeline(entries: readonly TimelineEntry[]): ScenarioChartData['tl'] {
  if (entries.length === 0) return null
  const size = Math.ceil(entries.length / MAX_POINTS)
  const out = { t: [], p50: [], p95: [], p99: [], rps: [], errors: [], dropped: [] } as NonNullable<
    ScenarioChartData['tl']
  >
  for (let start = 0; start < entries.length; start += size) {
    const bucket = entries.slice(start, start + size)
    out.t.push(bucket[0]?.t ?? start)
    out.p50.push(sig(max(bucket.map(entry => entry.p50))))
    out.p95.push(sig(max(bucket.map(entry => entry.p95))))
    out.p99.push(sig(max(bucket.map(entry => entry.p99))))
    out.rps.push(sig(mean(bucket.map(entry => entry.rps))))
    out.errors.push(sig(mean(bucket.map(entry => entry.errors))))
    out.dropped.push(sig(mean(bucket.map(entry => entry.dropped ?? 0))))
  }
  return out
}

function hostSeries(scenario: ScenarioRecord): ScenarioChartData['host'] {
  const host = scenario.host
  const samples = host?.samples ?? []
  if (!host || samples.length === 0) return null
  const size = Math.ceil(samples.length / MAX_POINTS)
  const out: NonNullable<ScenarioChartData['host']> = {
    t: [],
    cpu: [],
    memory: [],
    disk: [],
    loop: [],
    levels: {},
  }
  for (let start = 0; start < samples.length; start += size) {
    const bucket = samples.slice(start, start + size)
    out.t.push(sig(bucket[0]?.t ?? start))
    out.cpu.push(maybe(bucket.map(sample => sample.cpu)))
    out.memory.push(maybe(bucket.map(sample => sample.memory)))
    out.disk.push(maybe(bucket.map(sample => sample.disk)))
    out.loop.push(sig(max(bucket.map(sample => sample.loopDelayP99Ms))))
  }
  for (const resource of ['cpu', 'memory', 'disk'] as const) {
    const thresholds = host[resource]?.thresholds
    if (thresholds) out.levels[resource] = thresholds
  }
  return out
}

function marks(scenario: ScenarioRecord): ScenarioChartData['marks'] {
  const insights = scenario.insights
  if (!insights) return []
  return [
    ...insights.anomalies.map(anomaly => ({
      metric: anomaly.metric,
      t: anomaly.t,
      kind: 'anomaly' as const,
      text: anomaly.reason,
    })),
    ...insights.levelShifts.map(shift => ({
      metric: shift.metric,
      t: shift.t,
      kind: 'shift' as const,
      text: shift.description,
    })),
  ]
}

function maybe(values: Array<number | null>): number | null {
  const present = values.filter((value): value is number => typeof value === 'number')
  return present.length ? sig(max(present)) : null
}

function max(values: number[]): number {
  let out = 0
  for (const value of values) if (Number.isFinite(value) && value > out) out = value
  return out
}

function mean(values: number[]): number {
  let sum = 0
  let count = 0
  for (const value of values) {
    if (!Number.isFinite(value)) continue
    sum += value
    count++
  }
  return count ? sum / count : 0
}

// Four significant digits keep the chart exact to the pixel and the embedded JSON small.
function sig(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : 0
}

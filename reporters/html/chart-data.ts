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
    t: TimeAxis
    p50: number[]
    p95: number[]
    p99: number[]
    rps: number[]
    /** Null when no second had an error. */
    errors: number[] | null
    /** Null when nothing was dropped. */
    dropped: number[] | null
  } | null
  /** Host samples over time, percent, and the generator's event-loop delay p99 in ms. */
  host: {
    t: TimeAxis
    /** Each resource is null when it was not measured. */
    cpu: Array<number | null> | null
    memory: Array<number | null> | null
    disk: Array<number | null> | null
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
  const t: number[] = []
  const p50: number[] = []
  const p95: number[] = []
  const p99: number[] = []
  const rps: number[] = []
  const errors: number[] = []
  const dropped: number[] = []
  for (let start = 0; start < entries.length; start += size) {
    const bucket = entries.slice(start, start + size)
    t.push(bucket[0]?.t ?? start)
    p50.push(sig(max(bucket.map(entry => entry.p50))))
    p95.push(sig(max(bucket.map(entry => entry.p95))))
    p99.push(sig(max(bucket.map(entry => entry.p99))))
    rps.push(sig(mean(bucket.map(entry => entry.rps))))
    errors.push(sig(mean(bucket.map(entry => entry.errors))))
    dropped.push(sig(mean(bucket.map(entry => entry.dropped ?? 0))))
  }
  return { t: axis(t), p50, p95, p99, rps, errors: series(errors), dropped: series(dropped) }
}

function hostSeries(scenario: ScenarioRecord): ScenarioChartData['host'] {
  const host = scenario.host
  const samples = host?.samples ?? []
  if (!host || samples.length === 0) return null
  const size = Math.ceil(samples.length / MAX_POINTS)
  const t: number[] = []
  const cpu: Array<number | null> = []
  const memory: Array<number | null> = []
  const disk: Array<number | null> = []
  const loop: number[] = []
  for (let start = 0; start < samples.length; start += size) {
    const bucket = samples.slice(start, start + size)
    t.push(sig(bucket[0]?.t ?? start))
    cpu.push(maybe(bucket.map(sample => sample.cpu)))
    memory.push(maybe(bucket.map(sample => sample.memory)))
    disk.push(maybe(bucket.map(sample => sample.disk)))
    loop.push(sig(max(bucket.map(sample => sample.loopDelayP99Ms))))
  }
  const levels: NonNullable<ScenarioChartData['host']>['levels'] = {}
  for (const resource of ['cpu', 'memory', 'disk'] as const) {
    const thresholds = host[resource]?.thresholds
    if (thresholds) levels[resource] = thresholds
  }
  return {
    t: axis(t),
    cpu: present(cpu),
    memory: present(memory),
    disk: present(disk),
    loop,
    levels,
  }
}

// A resource with no sample at all was not measured here: no line, no legend entry.
function present(values: Array<number | null>): Array<number | null> | null {
  return values.some(value => value !== null) ? values : null
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

// Three significant digits are finer than a pixel of a 200-pixel chart and keep the JSON small;
// large values (request rates) stay whole numbers.
function sig(value: number): number {
  if (!Number.isFinite(value)) return 0
  return Math.abs(value) >= 1000 ? Math.round(value) : Number(value.toPrecision(3))
}

/** A time axis: evenly spaced seconds travel as start and step, anything else as the list. */
export type TimeAxis = number[] | { start: number; step: number; count: number }

function axis(values: number[]): TimeAxis {
  if (values.length < 3) return values
  const start = values[0]!
  const step = values[1]! - start
  const regular = values.every((value, index) => Math.abs(value - (start + index * step)) < 1e-6)
  return regular ? { start, step: sig(step), count: values.length } : values
}

// A series that is zero throughout draws nothing: it travels as null.
function series(values: number[]): number[] | null {
  return values.some(value => value !== 0) ? values : null
}

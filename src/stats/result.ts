import type { LatencySummary, LoadResult, ResultTarget } from '../types.js'
import { addHistograms, encodeHistogram, summarize } from './histogram.js'
import type { Recorder, SecondStats } from './recorder.js'

/** What a result needs besides the recorder's figures. */
export interface ResultContext {
  label: string
  target: ResultTarget
  model: 'closed' | 'open'
  /** When the measured phase began. */
  startedAt: Date
  /** Length of the measured phase, ms. */
  durationMs: number
  aborted: boolean
  stopReason: string | null
  settings: LoadResult['settings']
}

/** Turns what a recorder measured into the plain-JSON result. */
export function buildResult(recorder: Recorder, context: ResultContext): LoadResult {
  const { total, succeeded, failed, dropped } = recorder
  return {
    label: context.label,
    target: context.target,
    model: context.model,
    startedAt: context.startedAt.toISOString(),
    durationMs: round(context.durationMs, 3),
    requests: { total, succeeded, failed, dropped },
    successRate: successRate(succeeded, total),
    throughputRps: throughput(total, context.durationMs),
    latencyMs: summarize(recorder.raw),
    correctedLatencyMs: recorder.corrected ? summarize(recorder.corrected) : null,
    statusCodes: recorder.statusCodes(),
    errors: recorder.errorCounts(),
    bytesReceived: recorder.bytes,
    timeline: recorder.timeline.slice(),
    histogram: encodeHistogram(recorder.raw),
    correctedHistogram: recorder.corrected ? encodeHistogram(recorder.corrected) : null,
    aborted: context.aborted,
    stopReason: context.stopReason,
    host: null,
    settings: context.settings,
  }
}

/** A rolling window of seconds summarised like a result, for judging objectives mid-run. */
export interface WindowSummary {
  label: string
  model: 'closed' | 'open'
  requests: { total: number; succeeded: number; failed: number; dropped: number }
  successRate: number
  throughputRps: number
  latencyMs: LatencySummary
  correctedLatencyMs: LatencySummary | null
}

/** Summarises consecutive seconds (from `Recorder.window`) as one window. */
export function summarizeWindow(
  seconds: SecondStats[],
  label: string,
  model: 'closed' | 'open',
): WindowSummary {
  let total = 0
  let succeeded = 0
  let failed = 0
  let dropped = 0
  for (const second of seconds) {
    total += second.total
    succeeded += second.succeeded
    failed += second.failed
    dropped += second.dropped
  }
  const corrected = seconds.every(second => second.corrected !== null)
  return {
    label,
    model,
    requests: { total, succeeded, failed, dropped },
    successRate: successRate(succeeded, total),
    throughputRps: throughput(total, seconds.length * 1000),
    latencyMs: summarize(addHistograms(seconds.map(second => second.raw))),
    correctedLatencyMs:
      corrected && seconds.length > 0
        ? summarize(addHistograms(seconds.map(second => second.corrected!)))
        : null,
  }
}

/**
 * Percent of `total` that succeeded, 0..100; 100 when nothing was sent. Not rounded, so an
 * objective such as 99.9 is never met by rounding up.
 */
export function successRate(succeeded: number, total: number): number {
  return total === 0 ? 100 : (succeeded / total) * 100
}

/** Requests per second over `durationMs`; 0 for an empty duration. Not rounded. */
export function throughput(total: number, durationMs: number): number {
  return durationMs <= 0 ? 0 : total / (durationMs / 1000)
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

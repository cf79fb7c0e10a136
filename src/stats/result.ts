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
  /** Requests cut off unanswered when the run ended (not in `total`). */
  interrupted?: number
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
    successRate: successRate(succeeded, total, dropped + (context.interrupted ?? 0)),
    // Throughput counts answered requests: a refused or timed-out request was not served.
    throughputRps: throughput(recorder.raw.totalCount, context.durationMs),
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
  /** Requests that got a response (any status): those latency and throughput count. */
  responses: number
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
  const raw = addHistograms(seconds.map(second => second.raw))
  return {
    label,
    model,
    requests: { total, succeeded, failed, dropped },
    responses: raw.totalCount,
    successRate: successRate(succeeded, total, dropped),
    throughputRps: throughput(raw.totalCount, seconds.length * 1000),
    latencyMs: summarize(raw),
    correctedLatencyMs:
      corrected && seconds.length > 0
        ? summarize(addHistograms(seconds.map(second => second.corrected!)))
        : null,
  }
}

/**
 * Percent of `total` that succeeded, 0..100. Not rounded, so an objective such as 99.9 is
 * never met by rounding up. When nothing completed, the rate is 0 if anything was attempted
 * (`unanswered`: dropped arrivals, or requests cut off unanswered at the end) — a service
 * that answers nothing must fail a success-rate objective — and 100 only when nothing was
 * attempted at all.
 */
export function successRate(succeeded: number, total: number, unanswered = 0): number {
  if (total === 0) return unanswered > 0 ? 0 : 100
  return (succeeded / total) * 100
}

/**
 * Requests that got a response, of any status: the requests a latency was measured for and
 * throughput counts. Refused, reset and timed-out requests are in `requests.failed` only. A
 * measured function has no status codes: each of its calls, returned or thrown, was timed.
 */
export function responsesOf(
  result: Pick<LoadResult, 'statusCodes'> & { requests: { total: number }; target?: ResultTarget },
): number {
  if (result.target?.kind === 'function') return result.requests.total
  let count = 0
  for (const n of Object.values(result.statusCodes)) count += n
  return count
}

/** Requests per second over `durationMs`; 0 for an empty duration. Not rounded. */
export function throughput(total: number, durationMs: number): number {
  return durationMs <= 0 ? 0 : total / (durationMs / 1000)
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

import { describe, PerfConfigError } from '../errors.js'
import type { LoadResult, TimelineEntry } from '../types.js'
import { decodeHistogram, encodeHistogram, summarize } from './histogram.js'
import { successRate, throughput } from './result.js'

/**
 * Combines results of the same scenario run in parts (shards, workers, repeated runs) into
 * one. Exact where it can be: histograms are added, so merged percentiles are those of all
 * the requests together; counts, status codes, errors and bytes are summed. The measured
 * period spans the earliest start to the latest end. Timelines are aligned on each part's
 * start time plus `t` (rounded to whole seconds) and summed per second; a merged second's
 * percentiles are the highest of the parts' (per-second histograms are not kept), an upper
 * bound rather than an exact value. Host summaries cannot be added and become null unless
 * there is only one part. Results may be given as arguments, arrays, or both, and must share
 * one model (open or closed).
 */
export function mergeResults(...results: Array<LoadResult | LoadResult[]>): LoadResult {
  const parts = results.flat()
  const first = parts[0]
  if (first === undefined) {
    throw new PerfConfigError('results', 'mergeResults: got no results; give at least one')
  }
  parts.forEach((part, index) => {
    if (typeof part?.histogram !== 'string') {
      throw new PerfConfigError(
        `results[${index}]`,
        `mergeResults: results[${index}] is ${describe(part)}, not a LoadResult with a histogram`,
      )
    }
  })
  const otherModel = parts.findIndex(part => part.model !== first.model)
  if (otherModel !== -1) {
    // An open-model result is judged on corrected latency, which a closed-model one does not
    // have: merged, the open part's queueing delay would vanish from the verdict.
    throw new PerfConfigError(
      `results[${otherModel}]`,
      `mergeResults: results[${otherModel}] is ${modelName(parts[otherModel]?.model)} result and ` +
        `results[0] ${modelName(first.model)} one; merge results of one model only`,
    )
  }
  if (parts.length === 1) return { ...first }

  const raw = decodeHistogram(first.histogram)
  for (const part of parts.slice(1)) raw.add(decodeHistogram(part.histogram))
  const allCorrected = parts.every(part => part.correctedHistogram !== null)
  const corrected = allCorrected ? decodeHistogram(first.correctedHistogram as string) : null
  if (corrected !== null) {
    for (const part of parts.slice(1))
      corrected.add(decodeHistogram(part.correctedHistogram as string))
  }

  const starts = parts.map(part => Date.parse(part.startedAt))
  const start = Math.min(...starts)
  const end = Math.max(...parts.map((part, i) => (starts[i] as number) + part.durationMs))
  const durationMs = end - start

  const requests: LoadResult['requests'] = { total: 0, succeeded: 0, failed: 0, dropped: 0 }
  let interrupted = 0
  for (const part of parts) {
    requests.total += part.requests.total
    requests.succeeded += part.requests.succeeded
    requests.failed += part.requests.failed
    requests.dropped += part.requests.dropped
    interrupted += part.requests.interrupted ?? 0
  }
  if (interrupted > 0) requests.interrupted = interrupted
  const stopped = parts.find(part => part.stopReason !== null)

  return {
    label: same(parts.map(part => part.label)) ?? parts.map(part => part.label).join(' + '),
    target: first.target,
    model: first.model,
    startedAt: new Date(start).toISOString(),
    durationMs,
    requests,
    successRate: successRate(requests.succeeded, requests.total, requests.dropped + interrupted),
    throughputRps: throughput(raw.totalCount, durationMs),
    latencyMs: summarize(raw),
    correctedLatencyMs: corrected ? summarize(corrected) : null,
    statusCodes: sumRecords(parts.map(part => part.statusCodes)),
    errors: sumRecords(parts.map(part => part.errors)),
    bytesReceived: parts.reduce((sum, part) => sum + part.bytesReceived, 0),
    timeline: mergeTimelines(parts, starts, start),
    histogram: encodeHistogram(raw),
    correctedHistogram: corrected ? encodeHistogram(corrected) : null,
    aborted: parts.some(part => part.aborted),
    stopReason: stopped?.stopReason ?? null,
    host: null,
    settings: { ...first.settings, mergedParts: parts.length },
  }
}

function modelName(model: LoadResult['model'] | undefined): string {
  return model === 'open' ? 'an open-model' : 'a closed-model'
}

function mergeTimelines(parts: LoadResult[], starts: number[], start: number): TimelineEntry[] {
  const bySecond = new Map<number, TimelineEntry>()
  parts.forEach((part, index) => {
    const shift = Math.round(((starts[index] as number) - start) / 1000)
    for (const entry of part.timeline) {
      const t = entry.t + shift
      const into = bySecond.get(t)
      if (into === undefined) {
        bySecond.set(t, { ...entry, t })
        continue
      }
      into.rps += entry.rps
      into.errors += entry.errors
      into.dropped += entry.dropped
      into.inFlight += entry.inFlight
      into.p50 = Math.max(into.p50, entry.p50)
      into.p95 = Math.max(into.p95, entry.p95)
      into.p99 = Math.max(into.p99, entry.p99)
    }
  })
  return [...bySecond.values()].sort((a, b) => a.t - b.t)
}

function sumRecords(records: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const record of records) {
    for (const [key, count] of Object.entries(record)) out[key] = (out[key] ?? 0) + count
  }
  return out
}

function same<T>(values: T[]): T | undefined {
  return values.every(value => value === values[0]) ? values[0] : undefined
}

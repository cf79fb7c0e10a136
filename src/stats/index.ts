// Statistics: HDR histograms, summaries, the per-second timeline, merging. Re-exports only.
export type { Histogram } from './histogram.js'
export {
  addHistograms,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  percentileMs,
  summarize,
} from './histogram.js'
export { mergeResults } from './merge.js'
export type { RecorderOptions, SecondStats } from './recorder.js'
export { Recorder } from './recorder.js'
export type { ResultContext, WindowSummary } from './result.js'
export { buildResult, successRate, summarizeWindow, throughput } from './result.js'

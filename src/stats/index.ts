// Statistics: HDR histograms, summaries and merging. Re-exports only.
export type { Histogram } from './histogram.js'
export { createHistogram, decodeHistogram, encodeHistogram, summarize } from './histogram.js'
export { mergeResults } from './merge.js'

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** uPlot's browser build and stylesheet, read once from `node_modules`, to inline in the page. */
export interface ChartAssets {
  script: string
  css: string
}

let cached: ChartAssets | undefined

/**
 * Reads uPlot's IIFE build and CSS, resolved from this package's own dependencies (so the
 * page needs no network, no CDN). Read once per process: the files do not change while it runs.
 */
export function chartAssets(): ChartAssets {
  if (cached) return cached
  const require = createRequire(import.meta.url)
  const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8')
  cached = { script: read('uPlot.iife.min.js'), css: read('uPlot.min.css') }
  return cached
}

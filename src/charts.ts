import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/**
 * uPlot's script and stylesheet, read once from the installed package so the report and the
 * monitor's dashboard can inline them (neither page may load anything from the network).
 */
export interface ChartAssets {
  script: string
  css: string
}

let cached: ChartAssets | undefined

/**
 * Resolved through Node's module resolution from this file, so it finds uPlot both in this
 * repository and when vitest-perf is installed as a dependency of another project.
 */
export function chartAssets(): ChartAssets {
  if (cached) return cached
  const require = createRequire(import.meta.url)
  const script = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')
  // The script is inlined in a <script> element: a closing tag inside it would end the element.
  cached = {
    script: script.replace(/<\/(script)/gi, '<\\/$1'),
    css: css.replace(/<\/(style)/gi, '<\\/$1'),
  }
  return cached
}

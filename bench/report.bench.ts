// Renders a synthetic run of 200 scenarios with 10-minute timelines through every renderer the
// reporter writes, and prints how long each took and how large the files are.
// Targets (issue 5): the HTML under 2 s and under 5 MB.
import { performance } from 'node:perf_hooks'
import { renderConsole } from '../reporters/console.js'
import { renderHtml } from '../reporters/html/render.js'
import { addInsights } from '../reporters/insights.js'
import { renderJson } from '../reporters/json.js'
import { renderMarkdown } from '../reporters/markdown.js'
import { redact } from '../reporters/redact.js'
import { syntheticReport } from '../test/reporter/synthetic.js'

const SCENARIOS = 200
const SECONDS = 600

export async function run(): Promise<void> {
  let started = performance.now()
  const report = syntheticReport(SCENARIOS, { seconds: SECONDS })
  console.log(
    `built ${SCENARIOS} synthetic scenarios × ${SECONDS} s in ${ms(performance.now() - started)}`,
  )

  const rows: Array<[string, number, number | null]> = []
  const time = <T>(name: string, work: () => T, size?: (value: T) => number): T => {
    started = performance.now()
    const value = work()
    rows.push([name, performance.now() - started, size ? size(value) : null])
    return value
  }

  time('insights (explainResult × 200)', () => addInsights(report, null))
  const clean = time('redaction', () => redact(report))
  time('perf-report.json', () => renderJson(clean), bytes)
  // The first HTML render also reads uPlot from disk; the second is the steady state.
  time('perf-report.html (first)', () => renderHtml(clean), bytes)
  const html = time('perf-report.html', () => renderHtml(clean), bytes)
  time('console table', () => renderConsole(clean, { color: false }), bytes)
  time('Markdown summary', () => renderMarkdown(clean), bytes)

  console.log('')
  console.log('  step                              time       size')
  for (const [name, took, size] of rows) {
    console.log(
      `  ${name.padEnd(32)}  ${ms(took).padStart(9)}  ${size === null ? '' : mb(size).padStart(9)}`,
    )
  }
  const htmlRow = rows.find(row => row[0] === 'perf-report.html')!
  const render = htmlRow[1]
  console.log('')
  console.log(
    `  HTML: ${ms(render)} (target < 2 s: ${render < 2000 ? 'met' : 'MISSED'}), ` +
      `${mb(bytes(html))} (target < 5 MB: ${bytes(html) < 5e6 ? 'met' : 'MISSED'})`,
  )
}

function bytes(text: string): number {
  return Buffer.byteLength(text)
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`
}

function mb(value: number): string {
  return `${(value / 1e6).toFixed(2)} MB`
}

// Opens a rendered report in Debian's Chromium (through playwright-core) from disk, with every
// request other than the file itself blocked and counted, and checks what a reader would see.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { formatValue } from '../../reporters/format.js'
import { renderHtml } from '../../reporters/html/render.js'
import { addInsights } from '../../reporters/insights.js'
import { renderJson } from '../../reporters/json.js'
import { redact } from '../../reporters/redact.js'
import type { PerfReport } from '../../src/types.js'
import { repoRoot } from './run-vitest.js'
import { syntheticReport } from './synthetic.js'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]
const XSS = '<img src=x onerror=alert(1)>'

// The example report lives in reports/example/ (ignored by git) so its screenshot can be shown.
const outDir = join(repoRoot, 'reports', 'example')
const htmlFile = join(outDir, 'perf-report.html')
const scratch = mkdtempSync(join(tmpdir(), 'vitest-perf-browser-'))

let browser: Browser
let report: PerfReport

interface Visit {
  page: Page
  blocked: string[]
  consoleErrors: string[]
  dialogs: string[]
}

/** Opens `file` with every request except the file itself aborted and recorded. */
async function visit(file: string): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  const own = pathToFileURL(file).href
  const visit: Visit = { page, blocked: [], consoleErrors: [], dialogs: [] }
  const record = (url: string) => {
    if (url !== own && !visit.blocked.includes(url)) visit.blocked.push(url)
  }
  // The route aborts network requests; the request event also sees what a route cannot (file:, data:).
  await page.route('**/*', route => {
    if (route.request().url() === own) return route.continue()
    record(route.request().url())
    return route.abort()
  })
  page.on('request', request => record(request.url()))
  page.on('console', message => {
    if (message.type() === 'error') visit.consoleErrors.push(message.text())
  })
  page.on('pageerror', error => visit.consoleErrors.push(String(error)))
  page.on('dialog', dialog => {
    visit.dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await page.goto(own, { waitUntil: 'load' })
  return visit
}

beforeAll(async () => {
  const built = syntheticReport(4, { seconds: 90 })
  built.scenarios[1]!.name = XSS
  built.scenarios[2]!.compliance[0]!.passed = false
  built.scenarios[2]!.host!.saturated = true
  built.scenarios[2]!.host!.saturationReason = 'event-loop utilisation 97% (above 90%)'
  built.scenarios[3]!.settings = { 'headers.Authorization': 'Bearer SECRET-IN-BROWSER' }
  built.scenarios[3]!.target = {
    kind: 'http',
    method: 'GET',
    url: 'http://127.0.0.1:9/?token=SECRET-IN-URL',
  }
  built.summary = { scenarios: 4, passed: 3, failed: 1, skipped: 0 }
  // a baseline: the same run, a little faster, so the before/after columns show
  const baselineFile = join(scratch, 'baseline.json')
  writeFileSync(baselineFile, renderJson(syntheticReport(4, { seconds: 90, medianMs: 10 })))
  expect(addInsights(built, baselineFile)).toEqual({ notes: [], baselineError: null })
  // one more anomaly where no series passes mid-height, so its marker can be told from the lines
  built.scenarios[0]!.insights!.anomalies.push({
    metric: 'p95',
    t: 20,
    value: 30,
    score: 9,
    method: 'robust-z',
    reason: 'a marker to look for',
  })
  report = redact(built)

  mkdirSync(outDir, { recursive: true })
  writeFileSync(htmlFile, renderHtml(report, 'Example performance report'))
  writeFileSync(join(outDir, 'perf-report.json'), renderJson(report))
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  rmSync(scratch, { recursive: true, force: true })
})

describe('the HTML report in Chromium', () => {
  test('the request counter sees a request when a page makes one (control)', async () => {
    const control = join(scratch, 'control.html')
    writeFileSync(control, '<!doctype html><img src="http://127.0.0.1:9/x.png"><p>control</p>')
    const { page, blocked } = await visit(control)
    await page.close()
    expect(blocked).toEqual(['http://127.0.0.1:9/x.png'])
  })

  test('opens from disk with no request, no console error and no dialog; charts draw', async () => {
    const { page, blocked, consoleErrors, dialogs } = await visit(htmlFile)
    try {
      await page.waitForFunction(
        () => (window as unknown as { __perfCharts: unknown[] }).__perfCharts.length > 0,
      )
      expect(blocked).toEqual([])
      expect(consoleErrors).toEqual([])
      expect(dialogs).toEqual([])

      // four charts per scenario (percentiles, latency, throughput, host), each a uPlot instance
      const charts = await page.evaluate(
        () => (window as unknown as { __perfCharts: unknown[] }).__perfCharts.length,
      )
      expect(charts).toBe(16)
      expect(await page.locator('.chart-error').count()).toBe(0)

      // every canvas has drawn pixels: lines, not a blank rectangle
      const inked = await page.evaluate(() =>
        Array.from(document.querySelectorAll('canvas')).map(canvas => {
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
          let count = 0
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++
          return count
        }),
      )
      expect(inked).toHaveLength(16)
      for (const pixels of inked) expect(pixels).toBeGreaterThan(500)

      await page.screenshot({ path: join(outDir, 'perf-report.png') })
    } finally {
      await page.close()
    }
  })

  test('the compliance table shows each scenario with actual / target cells and verdicts', async () => {
    const { page } = await visit(htmlFile)
    try {
      const rows = page.locator('#compliance tbody tr')
      expect(await rows.count()).toBe(4)
      const names = await page.locator('#compliance tbody td.name a').allTextContents()
      expect(names).toEqual(report.scenarios.map(s => s.name))

      const headings = await page.locator('#compliance thead th').allTextContents()
      expect(headings).toEqual([
        'scenario',
        'p50',
        'p95',
        'p99',
        'success',
        'throughput',
        'verdict',
        'before',
        'after',
        'change (CI)',
        'vs baseline',
      ])
      for (const [index, scenario] of report.scenarios.entries()) {
        const row = rows.nth(index)
        const p95 = row.locator('td[data-metric="p95"]')
        expect(await p95.textContent()).toBe(`${formatValue(scenario.latencyMs.p95, 'ms')} / 40 ms`)
        expect(await p95.getAttribute('class')).toBe(index === 2 ? 'num fail' : 'num pass')
        // A cell without an objective shows what objectives would judge: corrected latency
        // for an open-model scenario (every other one here), raw for a closed one.
        const judged = scenario.correctedLatencyMs ?? scenario.latencyMs
        expect(await row.locator('td[data-metric="p50"]').textContent()).toBe(
          formatValue(judged.p50, 'ms'),
        )
        expect(await row.locator('td.verdict-cell').textContent()).toBe(
          index === 2 ? 'fail' : 'pass',
        )
        expect(await row.locator('td').last().textContent()).toBe(scenario.baseline?.verdict)
      }
      expect(await page.locator('#verdict').textContent()).toBe('FAIL')
      expect(await page.locator('.saturation').textContent()).toContain(
        'event-loop utilisation 97%',
      )
    } finally {
      await page.close()
    }
  })

  test('a test named like markup renders as visible text and runs nothing; secrets are absent', async () => {
    const { page, dialogs } = await visit(htmlFile)
    try {
      const heading = page.locator('section#s-1 h3')
      expect(await heading.textContent()).toContain(XSS)
      expect(await heading.isVisible()).toBe(true)
      expect(await page.locator('section#s-1 h3 img').count()).toBe(0)
      expect(await page.locator('img').count()).toBe(0)
      await page.waitForTimeout(200)
      expect(dialogs).toEqual([])
      const text = await page.content()
      expect(text).not.toContain('SECRET-IN')
      expect(await page.locator('#compliance').textContent()).toContain('token=[redacted]')
    } finally {
      await page.close()
    }
  })

  test('anomalies found by the insights are marked on the latency timeline', async () => {
    const found = report.scenarios[0]!.insights!.anomalies.find(
      a => a.reason !== 'a marker to look for',
    )
    expect(found).toMatchObject({ metric: 'p95', t: 54 }) // the synthetic spike at 60% of 90 s
    const { page } = await visit(htmlFile)
    try {
      await page.waitForFunction(
        () => (window as unknown as { __perfCharts: unknown[] }).__perfCharts.length === 16,
      )
      // mid-height of the plot, where no latency line runs: at t = 20 (marked) and t = 30 (not)
      const [marked, unmarked] = await page.evaluate(() => {
        type Plot = {
          root: HTMLElement
          ctx: CanvasRenderingContext2D
          bbox: { top: number; height: number }
          valToPos(value: number, scale: string, canvas: boolean): number
        }
        const charts = (window as unknown as { __perfCharts: Plot[] }).__perfCharts
        const chart = charts.find(u => u.root.closest('section#s-0 [data-chart="latency"]'))!
        const y = Math.round(chart.bbox.top + chart.bbox.height / 2)
        const pixel = (t: number) =>
          Array.from(chart.ctx.getImageData(Math.round(chart.valToPos(t, 'x', true)), y, 1, 1).data)
        return [pixel(20), pixel(30)]
      })
      const [r, g, b, a] = marked as [number, number, number, number]
      expect(a).toBeGreaterThan(150)
      expect(r).toBeGreaterThan(150)
      expect(g).toBeLessThan(120)
      expect(b).toBeLessThan(120)
      expect(unmarked?.[3] ?? 0).toBeLessThan(50) // blank (or faint grid) without a marker
    } finally {
      await page.close()
    }
  })

  test('a 200-scenario report draws charts lazily, as they scroll into view', async () => {
    const big = join(scratch, 'big.html')
    writeFileSync(big, renderHtml(syntheticReport(200, { seconds: 60, host: false })))
    const { page, blocked, consoleErrors } = await visit(big)
    try {
      const count = () =>
        page.evaluate(() => (window as unknown as { __perfCharts: unknown[] }).__perfCharts.length)
      // the 200-row compliance table fills the first screens: no chart is near the viewport yet
      await page.waitForTimeout(300)
      expect(await count()).toBeLessThan(60) // of 600
      await page.locator('section#s-0 .chart').first().scrollIntoViewIfNeeded()
      await page.waitForFunction(
        () => document.querySelectorAll('section#s-0 .chart canvas').length === 3,
      )
      await page.locator('section#s-199 .chart').first().scrollIntoViewIfNeeded()
      await page.waitForFunction(
        () => document.querySelectorAll('section#s-199 .chart canvas').length === 3,
      )
      expect(await count()).toBeLessThan(120)
      expect(blocked).toEqual([])
      expect(consoleErrors).toEqual([])
    } finally {
      await page.close()
    }
  })
})

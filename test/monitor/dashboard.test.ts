import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runInNewContext } from 'node:vm'
import type { Browser, Page, WebSocketRoute } from 'playwright-core'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningService } from '../../fixtures/service.js'
import { startService } from '../../fixtures/service.js'
import { FORMAT_SCRIPT } from '../../src/monitor/dashboard/format.js'
import { renderDashboard } from '../../src/monitor/dashboard/index.js'
import type { Monitor, Prediction } from '../../src/monitor/index.js'
import { createMonitor } from '../../src/monitor/index.js'
import { getJson, ISOLATED_ENV, until } from './helpers.js'

const INTERVAL_MS = 1000
const TOKEN = 'dashboard-test-token'
const LEVELS = {
  cpu: { normal: 40, warning: 70, critical: 85 },
  memory: { normal: 60, warning: 75, critical: 90 },
  disk: { normal: 70, warning: 80, critical: 95 },
}

let browser: Browser
let service: RunningService
let monitor: Monitor
let url: string

beforeAll(async () => {
  service = await startService()
  monitor = createMonitor(
    {
      baseUrl: service.url,
      endpoints: [
        { name: 'health', path: '/health', objectives: { p95: 250, availability: 99 } },
        { name: 'status', path: '/api/v1/system/status', objectives: { p95: 500 } },
      ],
      intervalMs: INTERVAL_MS,
      port: 0,
      host: '127.0.0.1',
      token: TOKEN,
      probe: { requests: 3, timeoutMs: 900 },
      alerts: { forMs: 0, notifiers: [] },
    },
    { page: renderDashboard },
  )
  url = await monitor.start()
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
})

afterAll(async () => {
  await browser?.close()
  await monitor?.stop()
  await service?.close()
})

/** A request the page sent to the API or the socket. */
interface Call {
  path: string
  authorization: string | undefined
  /** The `?token=` of its URL. */
  token: string | null
}

/** Records every request the page sends to the API and every WebSocket it opens. */
function recordCalls(page: Page): Call[] {
  const calls: Call[] = []
  page.on('request', request => {
    const target = new URL(request.url())
    if (!target.pathname.startsWith('/api/')) return
    const authorization = request.headers().authorization
    calls.push({ path: target.pathname, authorization, token: target.searchParams.get('token') })
  })
  page.on('websocket', socket => {
    const target = new URL(socket.url())
    calls.push({
      path: target.pathname,
      authorization: undefined,
      token: target.searchParams.get('token'),
    })
  })
  return calls
}

/** Points shown by the chart `id` (the page keeps them in `data-points`). */
async function points(page: Page, id: string): Promise<number> {
  const value = await page.getAttribute(`[data-chart="${id}"]`, 'data-points')
  return Number(value)
}

type Rgb = [number, number, number]

/** The colours along one row of a chart's plot area, `fromTop` (0..1) of its height down,
 * across the middle third of its width (where no axis label reaches), as seen on white. */
async function pixelRow(page: Page, id: string, fromTop: number): Promise<Rgb[]> {
  return page.evaluate(
    ({ id, fromTop }) => {
      const card = document.querySelector(`[data-chart="${id}"]`) as HTMLElement
      const canvas = card.querySelector('canvas') as HTMLCanvasElement
      const over = (card.querySelector('.u-over') as HTMLElement).getBoundingClientRect()
      const box = canvas.getBoundingClientRect()
      const scale = canvas.width / box.width
      const y = Math.round((over.top - box.top + over.height * fromTop) * scale)
      const x = Math.round((over.left - box.left + over.width / 3) * scale)
      const width = Math.round((over.width / 3) * scale)
      const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
        x,
        y,
        width,
        1,
      ).data
      const row: Array<[number, number, number]> = []
      // The canvas is transparent where nothing is drawn: composite over the card's white.
      for (let i = 0; i < data.length; i += 4) {
        const alpha = (data[i + 3] as number) / 255
        const channel = (c: number) =>
          Math.round((data[i + c] as number) * alpha + 255 * (1 - alpha))
        row.push([channel(0), channel(1), channel(2)])
      }
      return row
    },
    { id, fromTop },
  )
}

/** The colour most of a row has: a grid line or the series crossing it does not decide. */
async function pixel(page: Page, id: string, fromTop: number): Promise<Rgb> {
  const row = await pixelRow(page, id, fromTop)
  const counts = new Map<string, number>()
  for (const color of row) counts.set(color.join(), (counts.get(color.join()) ?? 0) + 1)
  const [most] = [...counts].sort((a, b) => b[1] - a[1])[0] as [string, number]
  return most.split(',').map(Number) as Rgb
}

/** Names a pixel's colour as the dashboard paints it: a faint red or amber band over white,
 * the strong red of an objective line, or plain white. */
function tintOf([r, g, b]: Rgb): string {
  if (r > 245 && g > 245 && b > 245) return 'white'
  if (r > 150 && g < 120 && b < 120) return 'red-line'
  if (r > 235 && g > 200 && b < 225 && g - b > 15) return 'amber'
  if (r > 235 && g < 245 && Math.abs(g - b) <= 12) return 'red'
  return `other(${r},${g},${b})`
}

describe('dashboard in headless Chromium', () => {
  it('renders one self-contained page: uPlot inlined, no external resource, strings escaped', () => {
    const html = renderDashboard({
      title: 'prod </script><img src=x onerror=alert(1)>',
      intervalMs: 30_000,
      endpoints: [{ name: '</script><b>x', objectives: { p95: 300 } }],
      levels: LEVELS,
      tokenRequired: false,
    })
    expect(html).toContain('uPlot')
    expect(html).not.toMatch(/<script[^>]+src=/)
    // The one link is the empty inline icon, so the browser asks for no /favicon.ico.
    expect(html).toContain('<link rel="icon" href="data:,">')
    expect(html).not.toMatch(/<link[^>]+href="(?!data:,")/)
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('<title>prod &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</title>')
    // Only the three script elements the page needs close in the page.
    expect(html.match(/<\/script>/g)).toHaveLength(3)
  })

  it('asks for no /favicon.ico: the page carries an empty inline icon', async () => {
    const html = renderDashboard({
      title: 'icon',
      intervalMs: 30_000,
      endpoints: [],
      levels: LEVELS,
      tokenRequired: false,
    })
    const withoutIcon = html.replace('<link rel="icon" href="data:,">', '')
    expect(withoutIcon).not.toBe(html)

    // A loopback server for the page alone, recording what the browser asks for.
    const asked: string[] = []
    let page = html
    const server = createServer((request, response) => {
      asked.push(request.url ?? '')
      if (request.url !== '/') return response.writeHead(404).end()
      response.writeHead(200, { 'content-type': 'text/html' }).end(page)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    try {
      const tab = await browser.newPage()
      await tab.goto(base, { waitUntil: 'networkidle' })
      expect(asked).toContain('/')
      expect(asked).not.toContain('/favicon.ico')
      await tab.close()

      // The same page without the icon: the browser does ask, so the check above can fail.
      page = withoutIcon
      const bare = await browser.newPage()
      await bare.goto(base, { waitUntil: 'networkidle' })
      await until(() => asked.includes('/favicon.ico'), 5000, 'a /favicon.ico request')
      await bare.close()
    } finally {
      server.close()
    }
  })

  it('fits the predictions table in its card and writes an objective of 99.95% as 99.95%', async () => {
    const prediction = (component: string, metric: string, threshold: number): Prediction => ({
      component,
      metric,
      unit: metric === 'availability' ? '%' : 'ms',
      current: metric === 'availability' ? 100 : 490.4,
      predicted: metric === 'availability' ? 100 : 512.6,
      interval: null,
      threshold,
      minutesToThreshold: metric === 'p95' ? 42 : null,
      breachExpected: metric === 'p95',
      method: 'damped Holt',
    })
    const predictions = [
      prediction('health', 'availability', 99.95),
      prediction('coordinator_think', 'availability', 95),
      prediction('coordinator_think', 'p95', 500),
      prediction('vectors_search', 'p99', 600),
    ]
    for (const width of [1400, 900]) {
      const page = await browser.newPage({ viewport: { width, height: 1200 } })
      await page.route('**/api/analysis/predictions*', route =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            generatedAt: new Date().toISOString(),
            horizonMinutes: 60,
            predictions,
          }),
        }),
      )
      await page.goto(`${url}/?token=dashboard-test-token`)
      await page.locator('#predictions-body tr').nth(3).waitFor({ timeout: 15_000 })

      const health = page.locator('#predictions-body tr[data-series="health/availability"] td')
      expect(await health.nth(3).textContent()).toBe('99.95%')
      const think = page.locator('#predictions-body tr[data-series="coordinator_think/p95"]')
      expect(await think.getAttribute('class')).toBe('breach')
      expect(await think.locator('td').nth(4).textContent()).toBe('42 min')

      const fit = await page.evaluate(() => {
        const card = document.getElementById('predictions') as HTMLElement
        const headers = Array.from(card.querySelectorAll('th'))
        return {
          overflow: card.scrollWidth - card.clientWidth,
          headers: headers.map(th => th.textContent),
          clipped: headers.filter(th => th.scrollWidth > th.clientWidth).map(th => th.textContent),
        }
      })
      expect(fit).toEqual({
        overflow: 0,
        headers: ['Series', 'Now', 'Predicted', 'Threshold', 'Reaches in', 'Breach'],
        clipped: [],
      })
      await page.close()
    }
  })

  it('draws live charts, shows the alert after a fault, and sends the token', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } })
    const errors: string[] = []
    page.on('pageerror', error => errors.push(error.message))
    const apiCalls: string[] = []
    page.on('request', request => {
      const path = new URL(request.url()).pathname
      if (path.startsWith('/api/') || path.startsWith('/ws/')) {
        apiCalls.push(`${path} ${request.headers().authorization ?? ''}`)
      }
    })

    await page.goto(`${url}/?token=dashboard-test-token`)
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })

    // The charts gain points over two intervals.
    const before = await points(page, 'host/cpu')
    await page.waitForFunction(
      start => Number(document.body.dataset.updates) >= start + 2,
      Number(await page.getAttribute('body', 'data-updates')),
      { timeout: 15_000 },
    )
    expect(await points(page, 'host/cpu')).toBeGreaterThanOrEqual(before + 2)
    expect(await points(page, 'health/latency')).toBeGreaterThanOrEqual(2)
    expect(await points(page, 'status/availability')).toBeGreaterThanOrEqual(2)
    const healthDown = '#alerts-body tr[data-rule="endpoint_down"][data-component="health"]'
    expect(await page.locator(healthDown).count()).toBe(0)

    // Every API call carried the token; the socket carries it in its query.
    expect(apiCalls.length).toBeGreaterThan(0)
    for (const call of apiCalls.filter(c => c.startsWith('/api/'))) {
      expect(call).toBe(`${call.split(' ')[0]} Bearer dashboard-test-token`)
    }

    // Break the health endpoint: every probe request now gets a 500.
    service.setFaults('health:error=1')
    const row = page.locator(healthDown)
    await row.waitFor({ timeout: 15_000 })
    expect(await row.getAttribute('class')).toContain('critical')
    expect(await row.locator('.summary').textContent()).toContain('health is unavailable')
    expect(await page.textContent('#alerts-count')).not.toBe('0')

    mkdirSync('reports', { recursive: true })
    await page.screenshot({ path: 'reports/monitor-dashboard.png', fullPage: true })

    // Healing it resolves the alert on the page.
    service.setFaults('')
    await page.locator(healthDown).waitFor({ state: 'detached', timeout: 15_000 })
    expect(await page.textContent('#resolved-list')).toContain('endpoint_down')

    expect(errors).toEqual([])
    await page.close()
  })

  it('draws the level bands on the CPU, memory and disk charts and the objectives on the endpoint charts', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } })
    await page.goto(`${url}/?token=dashboard-test-token`)
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })
    for (const id of ['host/memory', 'host/disk']) {
      await page.waitForSelector(`[data-chart="${id}"]:not([data-points="0"])`, { timeout: 15_000 })
    }

    // A percent chart spans 0 to 100: the band from critical to 100 is tinted red, the one from
    // warning to critical amber, and the plot just under the warning level is left white. The
    // rows read lie off round values, where grid lines run.
    for (const metric of ['cpu', 'memory', 'disk'] as const) {
      const { warning, critical } = LEVELS[metric]
      const at = (percent: number) => pixel(page, `host/${metric}`, 1 - percent / 100)
      expect(tintOf(await at((critical + 100) / 2)), `${metric} critical band`).toBe('red')
      expect(tintOf(await at((warning + critical) / 2)), `${metric} warning band`).toBe('amber')
      expect(tintOf(await at(warning - 3)), `${metric} under its warning level`).toBe('white')
    }

    // health's p95 objective (250 ms) is a red dashed line; its scale tops out at 1.15 times
    // the objective while the endpoint answers in a few ms.
    const objectiveRow = 1 - 250 / (250 * 1.15)
    const row = await pixelRow(page, 'health/latency', objectiveRow)
    expect(row.filter(color => tintOf(color) === 'red-line').length).toBeGreaterThan(10)
    const clear = await pixelRow(page, 'health/latency', objectiveRow + 0.2)
    expect(clear.filter(color => tintOf(color) === 'red-line')).toEqual([])

    // Under the 99% availability floor the chart is tinted red; status has no floor.
    expect(tintOf(await pixel(page, 'health/availability', 0.47))).toBe('red')
    expect(tintOf(await pixel(page, 'status/availability', 0.47))).toBe('white')
    await page.close()
  })

  it('keeps a bounded window of points and shows server strings as text only', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', error => errors.push(error.message))
    const hostile = '<img src=x onerror="window.__injected = 1">'
    // An alert list with markup in every string the page shows.
    await page.route('**/api/alerts/active*', route =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          alerts: [
            {
              fingerprint: 'f00dfeedf00dfeed',
              rule: hostile,
              severity: 'high',
              priority: 'P1',
              state: 'firing',
              labels: { component: hostile, metric: 'p95' },
              summary: hostile,
              value: 1,
              threshold: 2,
              unit: 'ms',
              activeAt: new Date().toISOString(),
              firedAt: new Date().toISOString(),
              resolvedAt: null,
            },
          ],
        }),
      }),
    )

    await page.goto(`${url}/?token=dashboard-test-token&points=3`)
    await page.waitForFunction(() => Number(document.body.dataset.updates) >= 5, undefined, {
      timeout: 20_000,
    })
    for (const id of ['host/cpu', 'host/network', 'health/latency', 'status/availability']) {
      expect(await points(page, id)).toBe(3)
    }

    const summary = page.locator('#alerts-body tr[data-fingerprint="f00dfeedf00dfeed"] .summary')
    expect(await summary.textContent()).toBe(hostile)
    expect(await page.locator('#alerts-body img').count()).toBe(0)
    expect(await page.evaluate(() => (window as { __injected?: number }).__injected)).toBe(
      undefined,
    )
    expect(errors).toEqual([])
    await page.close()
  })

  it('reconnects with backoff when the WebSocket drops', async () => {
    const page = await browser.newPage()
    const opened: number[] = []
    await page.routeWebSocket('**/ws/metrics*', ws => {
      opened.push(performance.now())
      ws.connectToServer()
      // The first connection is cut shortly after it opens; the later ones stay.
      if (opened.length === 1) setTimeout(() => ws.close({ code: 1011 }), 300)
    })
    await page.goto(`${url}/?token=dashboard-test-token`)
    await page.waitForSelector('#status[data-state="offline"]', { timeout: 10_000 })
    expect(await page.textContent('#status')).toMatch(/^disconnected; retrying in \d+ s$/)

    await page.waitForSelector('#status[data-state="live"]', { timeout: 10_000 })
    expect(opened).toHaveLength(2)
    // The first retry waits between half and all of one second after the drop (at +300 ms).
    expect((opened[1] ?? 0) - (opened[0] ?? 0)).toBeGreaterThanOrEqual(300 + 450)
    const updates = Number(await page.getAttribute('body', 'data-updates'))
    await page.waitForFunction(start => Number(document.body.dataset.updates) > start, updates, {
      timeout: 10_000,
    })
    await page.close()
  })

  it('asks for the token when opened without one', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await page.waitForSelector('#token-form:not([hidden])', { timeout: 10_000 })
    expect(await page.getAttribute('#status', 'data-state')).toBe('offline')
    await page.close()
  })

  it('keeps a token typed into the form out of the address, and loads and follows with it', async () => {
    const page = await browser.newPage()
    const calls = recordCalls(page)
    await page.goto(`${url}/?points=50`)
    await page.waitForSelector('#token-form:not([hidden])', { timeout: 10_000 })
    await page.fill('#token-input', TOKEN)
    await page.press('#token-input', 'Enter')

    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })
    await page.waitForSelector('[data-chart="health/latency"]:not([data-points="0"])', {
      timeout: 15_000,
    })
    expect(page.url()).toBe(`${url}/?points=50`)
    expect(await page.isHidden('#token-form')).toBe(true)
    const api = calls.filter(call => call.path.startsWith('/api/'))
    expect(api.length).toBeGreaterThan(0)
    expect(api.filter(call => call.authorization !== `Bearer ${TOKEN}`)).toEqual([])
    expect(calls.filter(call => call.path === '/ws/metrics').map(call => call.token)).toEqual([
      TOKEN,
    ])

    // A reload in the same tab finds the token in its sessionStorage, still not in the address.
    await page.reload()
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })
    expect(page.url()).toBe(`${url}/?points=50`)
    await page.close()
  })

  it('takes a ?token= out of the address once it has read it', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/?token=${TOKEN}&points=50`)
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })
    expect(page.url()).toBe(`${url}/?points=50`)
    expect(await page.evaluate(() => location.search)).toBe('?points=50')
    await page.close()
  })

  it('stops retrying after a refused token, says so, and carries on with the right one', async () => {
    const page = await browser.newPage()
    const calls = recordCalls(page)
    await page.goto(`${url}/?token=not-the-dashboard-token`)
    await page.waitForSelector('#token-form:not([hidden])', { timeout: 10_000 })
    expect(await page.textContent('#token-message')).toBe(
      'The monitor refused this token: enter the right one.',
    )
    expect(await page.getAttribute('#status', 'data-state')).toBe('offline')
    expect(page.url()).toBe(`${url}/`)

    // Four intervals later it has still sent only the one request that was refused.
    await page.waitForTimeout(4 * INTERVAL_MS)
    expect(calls.map(call => call.path)).toEqual(['/api/metrics/current'])
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0)

    await page.fill('#token-input', TOKEN)
    await page.click('#token-submit')
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })
    expect(page.url()).toBe(`${url}/`)
    await page.close()
  })

  it('stops retrying when its token is refused on a reconnect', async () => {
    const page = await browser.newPage()
    let live: WebSocketRoute | null = null
    await page.routeWebSocket('**/ws/metrics*', ws => {
      live ??= ws
      ws.connectToServer()
    })
    await page.goto(`${url}/?token=${TOKEN}`)
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })

    // The monitor comes back with another token: the socket drops, and the API answers 401.
    await page.route('**/api/**', route =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{}' }),
    )
    const calls = recordCalls(page)
    await (live as WebSocketRoute | null)?.close({ code: 1011 })
    await page.waitForSelector('#token-form:not([hidden])', { timeout: 15_000 })
    expect(await page.textContent('#status')).toBe('token refused')

    // The reload before the first retry met the 401; nothing is sent after it.
    await page.waitForTimeout(4 * INTERVAL_MS)
    expect(calls.map(call => call.path)).toEqual(['/api/metrics/current'])
    await page.close()
  })

  it('shows the recently resolved alerts again after a reload', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    const resolvedCount = async () =>
      ((await getJson(url, '/api/alerts/resolved', auth)).body.alerts as unknown[]).length
    const before = await resolvedCount()
    const statusDown = 'endpoint_down'
    service.setFaults('status:error=1')
    await until(
      async () =>
        JSON.stringify((await getJson(url, '/api/alerts/active', auth)).body).includes(statusDown),
      15_000,
      'endpoint_down firing for status',
    )
    service.setFaults('')
    await until(async () => (await resolvedCount()) > before, 15_000, 'the alert resolved')

    // A page opened after the alert resolved never saw its message, and still lists it.
    const page = await browser.newPage()
    await page.goto(`${url}/?token=${TOKEN}`)
    const listed = page.locator('#resolved-list li', { hasText: `resolved: ${statusDown}` })
    await listed.first().waitFor({ timeout: 15_000 })
    await page.reload()
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })
    await listed.first().waitFor({ timeout: 15_000 })
    expect(await page.textContent('#resolved-list')).toMatch(
      /resolved: endpoint_down · status availability 100%: back at or above/,
    )
    await page.close()
  })

  it('says the data is stale while the monitor process is stopped, and live once it resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vp-stale-'))
    const config = join(dir, 'monitor.json')
    writeFileSync(config, JSON.stringify({ port: 0, intervalMs: 1000, endpoints: [] }))
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/monitor/cli.ts', '--config', config],
      {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, ...ISOLATED_ENV, PERFORMANCE_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let output = ''
    child.stdout?.on('data', chunk => {
      output += chunk
    })
    const page = await browser.newPage()
    try {
      await until(() => /monitor on (http:\S+):/.test(output), 20_000, 'the monitor URL')
      const base = (/monitor on (http:\S+):/.exec(output) as RegExpExecArray)[1] as string
      await page.goto(base)
      await page.waitForFunction(() => Number(document.body.dataset.updates) >= 2, undefined, {
        timeout: 15_000,
      })
      expect(await page.textContent('#status')).toBe('live')
      const live = await page.$eval('#status', node => getComputedStyle(node).backgroundColor)

      // Stopped, the process keeps its socket open and sends nothing: 2.5 intervals, at least 5 s.
      child.kill('SIGSTOP')
      const stoppedAt = Date.now()
      await page.waitForSelector('#status[data-state="stale"]', { timeout: 10_000 })
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(4000)
      await page.waitForFunction(
        () =>
          /^stale: no update for (?:[7-9]|\d{2,}) s$/.test(
            document.getElementById('status')?.textContent ?? '',
          ),
        undefined,
        { timeout: 10_000 },
      )
      const stale = await page.$eval('#status', node => getComputedStyle(node).backgroundColor)
      expect(stale).not.toBe(live)

      child.kill('SIGCONT')
      await page.waitForSelector('#status[data-state="live"]', { timeout: 10_000 })
      expect(await page.textContent('#status')).toBe('live')
    } finally {
      await page.close()
      child.kill('SIGCONT')
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('pauses while the tab is hidden and resumes when shown', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/?token=dashboard-test-token`)
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })

    const setHidden = (hidden: boolean) =>
      page.evaluate(value => {
        Object.defineProperty(document, 'hidden', { value, configurable: true })
        Object.defineProperty(document, 'visibilityState', {
          value: value ? 'hidden' : 'visible',
          configurable: true,
        })
        document.dispatchEvent(new Event('visibilitychange'))
      }, hidden)

    await setHidden(true)
    expect(await page.getAttribute('#status', 'data-state')).toBe('paused')
    const updates = Number(await page.getAttribute('body', 'data-updates'))
    await page.waitForTimeout(2.5 * INTERVAL_MS)
    expect(Number(await page.getAttribute('body', 'data-updates'))).toBe(updates)

    await setHidden(false)
    await page.waitForSelector('#status[data-state="live"]', { timeout: 15_000 })
    await page.waitForFunction(start => Number(document.body.dataset.updates) > start, updates, {
      timeout: 15_000,
    })
    await page.close()
  })
})

type AxisLabels = (ticks: number[], step: number, unit: string) => Array<string | null>

/** The axis formatter exactly as the page runs it: the inlined text, evaluated on its own. */
const axisLabels: AxisLabels = (ticks, step, unit) => {
  const format = runInNewContext(`${FORMAT_SCRIPT}; ({ axisLabels })`) as {
    axisLabels: AxisLabels
  }
  // The array comes from the other context: copy it so equality checks compare plain arrays.
  return Array.from(format.axisLabels(ticks, step, unit))
}

describe('chart axis labels', () => {
  it('writes ticks under 2 B/s with the decimals their step needs, each label different', () => {
    expect(axisLabels([0, 0.5, 1, 1.5], 0.5, 'B/s')).toEqual([
      '0 B/s',
      '0.5 B/s',
      '1 B/s',
      '1.5 B/s',
    ])
    expect(axisLabels([0, 0.25, 0.5, 0.75, 1], 0.25, 'B/s')).toEqual([
      '0 B/s',
      '0.25 B/s',
      '0.5 B/s',
      '0.75 B/s',
      '1 B/s',
    ])
    expect(axisLabels([0, 0.002, 0.004], 0.002, 'B/s')).toEqual(['0 B/s', '0.002 B/s', '0.004 B/s'])
  })

  it('moves to kB/s, MB/s and GB/s as the largest tick grows', () => {
    expect(axisLabels([0, 1500, 3000], 1500, 'B/s')).toEqual(['0 kB/s', '1.5 kB/s', '3 kB/s'])
    expect(axisLabels([0, 200, 400, 600, 800, 1000], 200, 'B/s')).toEqual([
      '0 kB/s',
      '0.2 kB/s',
      '0.4 kB/s',
      '0.6 kB/s',
      '0.8 kB/s',
      '1 kB/s',
    ])
    expect(axisLabels([0, 250, 500, 750], 250, 'B/s')).toEqual([
      '0 B/s',
      '250 B/s',
      '500 B/s',
      '750 B/s',
    ])
    expect(axisLabels([4e6, 4.5e6, 5e6], 5e5, 'B/s')).toEqual(['4 MB/s', '4.5 MB/s', '5 MB/s'])
    expect(axisLabels([0, 1.25e9, 2.5e9], 1.25e9, 'B/s')).toEqual([
      '0 GB/s',
      '1.25 GB/s',
      '2.5 GB/s',
    ])
  })

  it('writes latency under 1 ms with decimals and from 1000 ms on in seconds', () => {
    expect(axisLabels([0, 0.2, 0.4, 0.6, 0.8, 1], 0.2, 'ms')).toEqual([
      '0 ms',
      '0.2 ms',
      '0.4 ms',
      '0.6 ms',
      '0.8 ms',
      '1 ms',
    ])
    expect(axisLabels([0, 100, 200, 300], 100, 'ms')).toEqual([
      '0 ms',
      '100 ms',
      '200 ms',
      '300 ms',
    ])
    expect(axisLabels([0, 500, 1000, 1500], 500, 'ms')).toEqual(['0 s', '0.5 s', '1 s', '1.5 s'])
  })

  it('writes percent ticks as whole numbers, or with the decimals a fine step needs', () => {
    expect(axisLabels([0, 20, 40, 60, 80, 100], 20, '%')).toEqual([
      '0%',
      '20%',
      '40%',
      '60%',
      '80%',
      '100%',
    ])
    expect(axisLabels([99.9, 99.95, 100], 0.05, '%')).toEqual(['99.9%', '99.95%', '100%'])
  })

  it('reads through floating-point noise, takes the step from the ticks when none is given and keeps left-out ticks out', () => {
    expect(axisLabels([0, 0.1, 0.30000000000000004], 0.1, 'B/s')).toEqual([
      '0 B/s',
      '0.1 B/s',
      '0.3 B/s',
    ])
    expect(axisLabels([0, 0.5, 1], Number.NaN, 'B/s')).toEqual(['0 B/s', '0.5 B/s', '1 B/s'])
    expect(axisLabels([0, null as unknown as number, 2], 1, 'ms')).toEqual(['0 ms', null, '2 ms'])
  })

  it('gives every tick its own label of at most 16 characters at every step uPlot may choose', () => {
    // uPlot steps by 1, 2, 2.5 or 5 times a power of ten; a chart shows up to about 8 ticks.
    for (const unit of ['B/s', 'ms', '%']) {
      for (let power = -3; power <= 13; power++) {
        for (const factor of [1, 2, 2.5, 5]) {
          const step = factor * 10 ** power
          const from = 7 * step
          const ticks = Array.from({ length: 8 }, (_, i) => from + i * step)
          const labels = axisLabels(ticks, step, unit)
          expect(new Set(labels).size, `${unit} ticks ${ticks.join(', ')}: ${labels}`).toBe(8)
          for (const label of labels) expect(label?.length, label ?? '').toBeLessThanOrEqual(16)
        }
      }
    }
  })
})

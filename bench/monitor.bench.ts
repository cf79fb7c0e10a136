// The live monitor under its stated load: 50 WebSocket clients at a 1-second interval, while it
// probes the fixture service's four endpoints and the host. Prints the monitor process's CPU
// (percent of one core) and memory (RSS, and the heap left after a full garbage collection)
// over time, and the REST API's latency while probing.
// The monitor runs as its own process (the CLI), so its figures are its own, not this one's.
// Then the faults, all at once with the clients still connected: a probe target that hangs, a
// collector that throws, Redis down and a notifier answering 500. It prints whether sampling
// and serving went on, what /health said, and that it all clears once healed.
// MONITOR_BENCH_SECONDS shortens or lengthens the 60 s measured phase,
// MONITOR_BENCH_FAULT_SECONDS the 20 s of faults.
import type { ChildProcess } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import WebSocket from 'ws'
import { spawnService } from '../fixtures/service.js'
import { readProcess } from '../src/host/proc.js'
import { SERVICE_ENDPOINTS } from '../src/monitor/service-endpoints.js'
import { RedisServer } from '../test/monitor/redis-server.js'

const ROOT = resolve(fileURLToPath(import.meta.url), '../..')
const CLIENTS = 50
const CLOCK_TICKS_PER_SECOND = 100
const REST_PATHS = [
  '/api/metrics/current',
  '/api/metrics/historical/host/cpu?hours=1',
  '/api/alerts/active',
  '/api/metrics/historical/health/p95?hours=1',
]

interface Window {
  label: string
  cpuPercent: number
  rssMb: number
  /** Heap in use after a full garbage collection at the window's end, MB. */
  heapMb: number
}

export async function run(): Promise<void> {
  const measuredSeconds = Number(process.env.MONITOR_BENCH_SECONDS ?? 60)
  const faultSeconds = Number(process.env.MONITOR_BENCH_FAULT_SECONDS ?? 20)
  const service = await spawnService({ faults: '' })
  const hook = await startHook()
  const redis = redisAvailable() ? await RedisServer.start() : null
  const dir = mkdtempSync(join(tmpdir(), 'vp-monitor-bench-'))
  const marker = join(dir, 'collector-fault')
  const config = join(dir, 'monitor.config.mjs')
  writeFileSync(config, configModule(service.url, hook.url, marker))

  const monitor = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      './bench/heap-probe.mjs',
      '--import',
      'tsx',
      'src/monitor/cli.ts',
      '--config',
      config,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PERFORMANCE_LOG_LEVEL: 'error',
        REDIS_URL: redis?.url ?? '',
        MONITOR_TOKEN: '',
        // The benchmark's alerts go nowhere, whatever notifiers the environment configures.
        SLACK_WEBHOOK_URL: '',
        PAGERDUTY_ROUTING_KEY: '',
        ALERT_WEBHOOK_URL: '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const sockets: WebSocket[] = []
  try {
    const base = await monitorUrl(monitor)
    const pid = monitor.pid as number
    const heap = heapReader(monitor)
    console.log(
      `monitor pid ${pid} at ${base}, fixture service at ${service.url}; interval 1 s; ` +
        `history ${redis ? `in memory and a local redis-server (${redis.url})` : 'in memory only (no redis-server found)'}`,
    )

    // Warm-up: module loading, JIT, the first intervals.
    await sleep(5000)
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const windows: Window[] = []
    const idlePoller = poll(base)
    windows.push(await measureWindow(pid, heap, 15_000, 'probing only, no WebSocket client'))
    const idleLatencies = await idlePoller.stop()

    let messages = 0
    let bytes = 0
    for (let i = 0; i < CLIENTS; i++) {
      const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/metrics`)
      socket.on('message', data => {
        messages++
        bytes += (data as Buffer).length
      })
      sockets.push(socket)
    }
    await Promise.all(sockets.map(s => new Promise(done => s.once('open', done))))

    // The probes' median per endpoint, as the monitor reports it each interval.
    const probed = new Map<string, number[]>()
    sockets[0]?.on('message', data => {
      const message = JSON.parse(String(data)) as {
        type: string
        metrics?: { endpoints: Array<{ name: string; p50: number | null }> }
      }
      if (message.type !== 'metrics_update') return
      for (const endpoint of message.metrics?.endpoints ?? []) {
        if (endpoint.p50 !== null) push(probed, endpoint.name, endpoint.p50)
      }
    })
    const reference = keepAliveReference(service.url)
    const poller = poll(base)

    const slices = Math.max(1, Math.round(measuredSeconds / 15))
    const sliceMs = (measuredSeconds * 1000) / slices
    for (let s = 0; s < slices; s++) {
      windows.push(
        await measureWindow(
          pid,
          heap,
          sliceMs,
          `${CLIENTS} clients, ${Math.round(((s + 1) * sliceMs) / 1000)} s`,
        ),
      )
    }
    const latencies = await poller.stop()
    const referenced = await reference.stop()
    loop.disable()

    const metrics = await (await fetch(`${base}/metrics`)).text()
    const serverMs = (q: string) =>
      new RegExp(
        `^vitest_perf_monitor_api_request_duration_ms\\{quantile="${q}"\\} (\\S+)$`,
        'm',
      ).exec(metrics)?.[1] ?? '?'
    const loadedHealth = await health(base)
    console.log('')
    console.log(
      'window                                  monitor CPU (% of a core)   RSS (MB)   heap after GC (MB)',
    )
    for (const w of windows) {
      console.log(
        `${w.label.padEnd(40)}${w.cpuPercent.toFixed(2).padStart(12)}${w.rssMb.toFixed(1).padStart(22)}` +
          `${w.heapMb.toFixed(1).padStart(21)}`,
      )
    }
    const loaded = windows.slice(1)
    const meanCpu = loaded.reduce((sum, w) => sum + w.cpuPercent, 0) / loaded.length
    const rssGrowth = (loaded.at(-1)?.rssMb ?? 0) - (loaded[0]?.rssMb ?? 0)
    // The heap grows to its working size in the first minute with clients and then holds; the
    // second half's change is the one that tells growth from that settling.
    const middle = loaded[Math.floor((loaded.length - 1) / 2)]?.rssMb ?? 0
    const firstHalf = middle - (loaded[0]?.rssMb ?? 0)
    const secondHalf = (loaded.at(-1)?.rssMb ?? 0) - middle
    const heapGrowth = (loaded.at(-1)?.heapMb ?? 0) - (loaded[0]?.heapMb ?? 0)
    console.log('')
    console.log(
      `mean CPU with ${CLIENTS} clients: ${meanCpu.toFixed(2)}% of a core (stated target: under 5%)`,
    )
    console.log(
      `RSS change over the loaded phase: ${signed(rssGrowth)} MB ` +
        `(first half ${signed(firstHalf)} MB, second half ${signed(secondHalf)} MB)`,
    )
    console.log(
      `heap after a full GC over the loaded phase: ${signed(heapGrowth)} MB ` +
        `(${loaded[0]?.heapMb.toFixed(1)} to ${loaded.at(-1)?.heapMb.toFixed(1)} MB; ` +
        'history grows by one point per series per interval, up to maxHistorySize)',
    )
    console.log(`REST while probing, no WebSocket client: ${describeLatency(idleLatencies)}`)
    console.log(
      `REST while probing, ${CLIENTS} clients: ${describeLatency(latencies)} (stated target: p95 under 10 ms)`,
    )
    console.log(
      `the same requests as the monitor timed them (Fastify, receipt to reply): p50 ${serverMs('0.5')} ms, ` +
        `p95 ${serverMs('0.95')} ms, p99 ${serverMs('0.99')} ms`,
    )
    console.log(
      `this (client) process's event-loop delay: p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, ` +
        `p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms (it adds to the REST figures)`,
    )
    console.log(
      `WebSocket: ${messages} messages, ${(bytes / 1024 / 1024).toFixed(2)} MB to ${CLIENTS} clients; ` +
        `${loadedHealth.samples} intervals; clients connected at the end: ${loadedHealth.clients}`,
    )
    console.log('')
    console.log('probe accuracy: median of per-interval p50s, ms')
    console.log('endpoint              monitor probe   keep-alive client   ratio')
    for (const endpoint of SERVICE_ENDPOINTS) {
      const mine = median(probed.get(endpoint.name) ?? [])
      const theirs = median(referenced.get(endpoint.name) ?? [])
      console.log(
        `${endpoint.name.padEnd(22)}${mine.toFixed(2).padStart(13)}${theirs.toFixed(2).padStart(20)}` +
          `${(mine / theirs).toFixed(2).padStart(8)}×`,
      )
    }
    console.log(
      '(the keep-alive client, in this process, sends the same requests at the same pace on ' +
        'connections it keeps open; a ratio near 1 means the probe reads the service, not its own set-up)',
    )
    console.log(
      `load average at the end: ${(await import('node:os'))
        .loadavg()
        .map(v => v.toFixed(2))
        .join(' ')} (2 cores; other work shares them)`,
    )

    await faultPhase({
      base,
      pid,
      heap,
      serviceUrl: service.url,
      hook,
      redis,
      marker,
      faultSeconds,
    })
  } finally {
    for (const socket of sockets) socket.terminate()
    monitor.kill('SIGTERM')
    await new Promise(done => monitor.once('exit', done))
    await service.stop()
    await redis?.dispose()
    hook.server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

interface FaultContext {
  base: string
  pid: number
  heap: () => Promise<number>
  serviceUrl: string
  hook: Hook
  redis: RedisServer | null
  marker: string
  faultSeconds: number
}

/**
 * Every fault at once, with the clients still connected: the health endpoint hangs (each
 * response held for 10 minutes, past the 500 ms probe timeout), the collector throws, Redis
 * stops and the notifier's receiver answers 500. Then all of it heals.
 */
async function faultPhase(context: FaultContext): Promise<void> {
  const { base, pid, heap, serviceUrl, hook, redis, marker, faultSeconds } = context
  const before = await health(base)
  await fetch(`${serviceUrl}/__faults`, { method: 'POST', body: 'health:slow=600000' })
  writeFileSync(marker, '')
  hook.failing = true
  await redis?.stop()

  const poller = poll(base)
  const window = await measureWindow(pid, heap, faultSeconds * 1000, 'faults')
  const latencies = await poller.stop()
  const during = await health(base)
  const hookCalls = hook.calls

  console.log('')
  console.log(
    `faults for ${faultSeconds} s (health hangs, collector throws, ` +
      `${redis ? 'Redis stopped' : 'no Redis to stop'}, notifier answers 500):`,
  )
  console.log(
    `  intervals sampled: ${during.samples - before.samples} in ${faultSeconds} s; ` +
      `monitor CPU ${window.cpuPercent.toFixed(2)}% of a core, RSS ${window.rssMb.toFixed(1)} MB`,
  )
  console.log(`  REST while faulty: ${describeLatency(latencies)}`)
  console.log(`  notifier receiver called ${hookCalls} times, answering 500`)
  printHealth('  /health during the faults', during)

  await fetch(`${serviceUrl}/__faults`, { method: 'DELETE' })
  rmSync(marker, { force: true })
  hook.failing = false
  await redis?.restart()
  await sleep(5000)
  printHealth('  /health 5 s after healing', await health(base))
}

interface Health {
  status: string
  samples: number
  clients: number
  history: { redis: string; buffered: number }
  problems: Array<{ kind: string; name: string; message: string }>
}

async function health(base: string): Promise<Health> {
  return (await (await fetch(`${base}/health`)).json()) as Health
}

function printHealth(label: string, health: Health): void {
  console.log(
    `${label}: status ${health.status}, history ${health.history.redis} ` +
      `(${health.history.buffered} points waiting), ${health.problems.length} problem(s)`,
  )
  for (const problem of health.problems) {
    console.log(`    ${problem.kind} ${problem.name}: ${problem.message}`)
  }
}

/** The monitor's config: the service's endpoints, a collector that throws while `marker`
 * exists, and alerts (firing at once) to a webhook. A module, since JSON holds no function. */
function configModule(serviceUrl: string, hookUrl: string, marker: string): string {
  const options = {
    port: 0,
    intervalMs: 1000,
    baseUrl: serviceUrl,
    endpoints: SERVICE_ENDPOINTS,
    alerts: { forMs: 0, notifiers: [{ kind: 'webhook', url: hookUrl, retries: 1 }] },
  }
  return [
    "import { existsSync } from 'node:fs'",
    `const options = ${JSON.stringify(options)}`,
    'options.collectors = {',
    '  bench_marker: () => {',
    `    if (existsSync(${JSON.stringify(marker)})) throw new Error('fault injected by the benchmark')`,
    '    return 1',
    '  },',
    '}',
    'export default options',
    '',
  ].join('\n')
}

interface Hook {
  server: Server
  url: string
  /** Answer 500 instead of 200. */
  failing: boolean
  calls: number
}

/** A loopback stand-in for a webhook receiver that counts its calls. */
async function startHook(): Promise<Hook> {
  const hook = { failing: false, calls: 0 } as Hook
  hook.server = createServer((req, res) => {
    req.resume()
    hook.calls++
    res.writeHead(hook.failing ? 500 : 200).end(hook.failing ? 'receiver down' : 'ok')
  })
  await new Promise<void>(done => hook.server.listen(0, '127.0.0.1', done))
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hook`
  return hook
}

function redisAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

/**
 * The reference for the probes: every second, the same `requests` (5) at once to each endpoint,
 * on keep-alive connections opened once (five per endpoint, as the probe has, so no endpoint
 * waits behind another's); per endpoint, each round's median latency, ms.
 */
function keepAliveReference(serviceUrl: string): { stop(): Promise<Map<string, number[]>> } {
  const agents = new Map(
    SERVICE_ENDPOINTS.map(e => [e.name, new Agent({ connections: 5, keepAliveTimeout: 60_000 })]),
  )
  const medians = new Map<string, number[]>()
  let running = true
  const done = (async () => {
    while (running) {
      await Promise.all(
        SERVICE_ENDPOINTS.map(async endpoint => {
          const times = await Promise.all(
            Array.from({ length: 5 }, async () => {
              const started = performance.now()
              const response = await request(`${serviceUrl}${endpoint.path}`, {
                dispatcher: agents.get(endpoint.name),
                method: endpoint.method as 'GET' | 'POST',
                ...(endpoint.body === undefined
                  ? {}
                  : {
                      body: JSON.stringify(endpoint.body),
                      headers: { 'content-type': 'application/json' },
                    }),
              })
              await response.body.dump()
              return performance.now() - started
            }),
          )
          push(medians, endpoint.name, median(times))
        }),
      )
      await sleep(1000)
    }
  })()
  return {
    async stop() {
      running = false
      await done
      await Promise.all([...agents.values()].map(agent => agent.close()))
      return medians
    },
  }
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`
}

function push(map: Map<string, number[]>, key: string, value: number) {
  const values = map.get(key)
  if (values) values.push(value)
  else map.set(key, [value])
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

/** Polls the REST API every 100 ms (cycling through `REST_PATHS`) until stopped. */
function poll(base: string): { stop(): Promise<number[]> } {
  const latencies: number[] = []
  let polling = true
  const done = (async () => {
    let i = 0
    while (polling) {
      const path = REST_PATHS[i++ % REST_PATHS.length] as string
      const started = performance.now()
      const response = await fetch(`${base}${path}`)
      await response.arrayBuffer()
      latencies.push(performance.now() - started)
      await sleep(100)
    }
  })()
  return {
    async stop() {
      polling = false
      await done
      return latencies
    },
  }
}

function describeLatency(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return (
    `${sorted.length} requests, p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, ` +
    `p99 ${at(0.99).toFixed(2)} ms, max ${at(1).toFixed(2)} ms`
  )
}

/** CPU (percent of one core) and RSS of `pid` over `ms`, then its heap after a full GC. */
async function measureWindow(
  pid: number,
  heap: () => Promise<number>,
  ms: number,
  label: string,
): Promise<Window> {
  const before = await readProcess(pid)
  const started = performance.now()
  await sleep(ms)
  const after = await readProcess(pid)
  const seconds = (performance.now() - started) / 1000
  if (!before || !after) throw new Error('the monitor process went away')
  const cpuSeconds = (after.ticks - before.ticks) / CLOCK_TICKS_PER_SECOND
  return {
    label,
    cpuPercent: (cpuSeconds / seconds) * 100,
    rssMb: after.rssBytes / 1024 / 1024,
    heapMb: (await heap()) / 1024 / 1024,
  }
}

/** Asks the monitor (through bench/heap-probe.mjs) for its heap after a full GC, in bytes. */
function heapReader(child: ChildProcess): () => Promise<number> {
  const waiting: Array<(bytes: number) => void> = []
  child.stdout?.on('data', chunk => {
    for (const match of String(chunk).matchAll(/^heap-after-gc (\d+)$/gm)) {
      waiting.shift()?.(Number(match[1]))
    }
  })
  return () =>
    new Promise(resolveHeap => {
      waiting.push(resolveHeap)
      child.kill('SIGUSR2')
    })
}

async function monitorUrl(child: ChildProcess): Promise<string> {
  let output = ''
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the monitor did not start: ${output}`)),
      30_000,
    )
    child.stdout?.on('data', chunk => {
      output += chunk
      const match = /monitor on (http:\S+):/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolveUrl(match[1] as string)
      }
    })
    child.once('exit', code => reject(new Error(`the monitor exited with ${code}: ${output}`)))
  })
}

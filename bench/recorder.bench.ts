// Does the host recorder disturb what it measures? Two figures, printed side by side:
// 1. the load generator's event-loop delay p99 under HTTP load, with the recorder sampling every
//    second and without it, in alternating rounds (target: differ by less than 1 ms);
// 2. the recorder's own CPU, as percent of one core, running alone (target: under 1%), and the
//    CPU cost of one sample.
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import os from 'node:os'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { recordHost } from '../src/host/index.js'

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15)
const CONNECTIONS = 16
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 20_000)

const SERVER = `
const http = require('node:http')
const server = http.createServer((req, res) => res.end('hello world'))
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
process.stdin.on('end', () => process.exit(0)).resume()
`

export async function run(): Promise<void> {
  const server = await startServer()
  try {
    await underLoad(server)
    await saturationRule(server)
  } finally {
    server.child.kill('SIGKILL')
  }
  await alone()
}

async function underLoad(server: { url: string; pid: number }): Promise<void> {
  console.log(
    `generator loop delay under load: ${CONNECTIONS} connections, undici Pool.request, ` +
      `${ROUNDS} rounds of ${ROUND_MS / 1000} s each, recorder off and on (1 s, watching the server)`,
  )
  const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 })
  await load(pool, 1000) // warm-up: JIT, connections

  const off: Round[] = []
  const on: Round[] = []
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so a drift in the machine's load favours neither side.
    const order = round % 2 === 0 ? [false, true] : [true, false]
    for (const recording of order) {
      const result = await measureRound(pool, recording, server.pid)
      ;(recording ? on : off).push(result)
    }
  }
  await pool.close()

  console.log('round  recorder  p50 ms  p99 ms  max ms   req/s  samples')
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, round] of [
      ['off', off[i]],
      ['on', on[i]],
    ] as const) {
      if (!round) continue
      console.log(
        `${String(i + 1).padStart(5)}  ${name.padEnd(8)}  ${fmt(round.p50)}  ${fmt(round.p99)}  ` +
          `${fmt(round.max, 6)}  ${String(Math.round(round.rps)).padStart(6)}  ${round.samples}`,
      )
    }
  }
  const offP99 = median(off.map(round => round.p99))
  const onP99 = median(on.map(round => round.p99))
  // Other processes share the machine: the paired difference (each round's "on" minus its
  // neighbouring "off") cancels slow drifts in the background load better than two medians.
  const paired = median(on.map((round, i) => round.p99 - (off[i]?.p99 ?? 0)))
  console.log(
    `median p99: off ${offP99.toFixed(3)} ms, on ${onP99.toFixed(3)} ms, ` +
      `difference ${(onP99 - offP99).toFixed(3)} ms, median paired difference ${paired.toFixed(3)} ms ` +
      `(target < 1 ms); throughput off ${Math.round(median(off.map(r => r.rps)))} req/s, ` +
      `on ${Math.round(median(on.map(r => r.rps)))} req/s; load average ${os.loadavg()[0]?.toFixed(2)}`,
  )
}

/** What the saturation rule says of a generator pushing as fast as it can, and of a paced one. */
async function saturationRule(server: { url: string }): Promise<void> {
  console.log('\nsaturation rule: recorder summary of 3 s at full speed, then 3 s paced')
  const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 })
  console.log('load                 utilisation  delay p99 ms  saturated  req/s')
  for (const rate of [null, 2000, 500]) {
    const recorder = recordHost({ intervalMs: 1000 })
    const requests = rate === null ? await load(pool, 3000) : await paced(pool, 3000, rate)
    const summary = await recorder.stop()
    const name = rate === null ? 'full speed' : `paced ${rate} req/s`
    console.log(
      `${name.padEnd(20)} ${summary.eventLoop.utilization.toFixed(3).padStart(11)}  ` +
        `${summary.eventLoop.delayMs.p99.toFixed(2).padStart(12)}  ${String(summary.saturated).padEnd(9)}  ` +
        `${Math.round(requests / 3)}`,
    )
    if (summary.saturationReason) console.log(`  ${summary.saturationReason}`)
  }
  await pool.close()
}

/** Open-model load at `rate` requests per second, sent on a 10 ms tick. */
async function paced(pool: Pool, durationMs: number, rate: number): Promise<number> {
  const started = performance.now()
  let sent = 0
  let done = 0
  const inFlight = new Set<Promise<void>>()
  while (performance.now() - started < durationMs) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate)
    for (; sent < due; sent++) {
      const request = pool
        .request({ path: '/', method: 'GET' })
        .then(response => response.body.dump())
        .then(() => {
          done++
        })
      const tracked = request.finally(() => inFlight.delete(tracked))
      inFlight.add(tracked)
    }
    await sleep(10)
  }
  await Promise.all(inFlight)
  return done
}

interface Round {
  p50: number
  p99: number
  max: number
  rps: number
  samples: number
}

async function measureRound(pool: Pool, recording: boolean, pid: number): Promise<Round> {
  // A 1 ms monitor of our own, separate from the recorder's, measures both sides alike.
  const delay = monitorEventLoopDelay({ resolution: 1 })
  const recorder = recording ? recordHost({ intervalMs: 1000, pids: [pid] }) : null
  delay.enable()
  const requests = await load(pool, ROUND_MS)
  delay.disable()
  const summary = await recorder?.stop()

  const ms = (ns: number) => Math.max(0, ns / 1e6 - 1)
  return {
    p50: ms(delay.percentile(50)),
    p99: ms(delay.percentile(99)),
    max: ms(delay.max),
    rps: requests / (ROUND_MS / 1000),
    samples: summary?.sampleCount ?? 0,
  }
}

/** Closed-model load: each connection sends its next request when the last one ends. */
async function load(pool: Pool, durationMs: number): Promise<number> {
  const until = performance.now() + durationMs
  let requests = 0
  const connection = async () => {
    while (performance.now() < until) {
      const response = await pool.request({ path: '/', method: 'GET' })
      await response.body.dump()
      requests++
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, connection))
  return requests
}

async function alone(): Promise<void> {
  console.log(
    `\nrecorder cost, process.cpuUsage and event-loop active time over ${IDLE_MS / 1000} s each, ` +
      'this process otherwise idle',
  )
  const idle = await costOver(IDLE_MS, null)
  const second = await costOver(IDLE_MS, 1000)
  const fast = await costOver(IDLE_MS, 100)

  console.log('mode               CPU % of a core   loop busy ms/s   samples')
  for (const [name, cost] of [
    ['no recorder', idle],
    ['recorder at 1 s', second],
    ['recorder at 100 ms', fast],
  ] as const) {
    console.log(
      `${name.padEnd(18)} ${cost.cpuPct.toFixed(3).padStart(15)}   ${cost.loopMsPerS.toFixed(3).padStart(14)}   ${cost.samples || '-'}`,
    )
  }
  // Nine more samples a second at 100 ms than at 1 s: the difference is what sampling costs;
  // the rest of the 1 s figure is the loop-delay monitor's 10 ms timer.
  const perSampleCpuMs = ((fast.cpuPct - second.cpuPct) * 10) / 9
  const perSampleLoopMs = (fast.loopMsPerS - second.loopMsPerS) / 9
  console.log(
    `recorder at 1 s costs ${(second.cpuPct - idle.cpuPct).toFixed(3)}% of one core (target < 1%); ` +
      `one sample costs about ${perSampleCpuMs.toFixed(3)} ms of CPU and occupies the loop for ` +
      `${perSampleLoopMs.toFixed(3)} ms in all (spread over its callbacks)`,
  )
}

async function costOver(
  ms: number,
  intervalMs: number | null,
): Promise<{ cpuPct: number; loopMsPerS: number; samples: number }> {
  const start = process.cpuUsage()
  const elu = performance.eventLoopUtilization()
  const recorder = intervalMs === null ? null : recordHost({ intervalMs, pids: [process.pid] })
  await sleep(ms)
  const summary = await recorder?.stop()
  const used = process.cpuUsage(start)
  const busy = performance.eventLoopUtilization(elu)
  return {
    cpuPct: ((used.user + used.system) / 1000 / ms) * 100,
    loopMsPerS: busy.active / (ms / 1000),
    samples: summary?.sampleCount ?? 0,
  }
}

async function startServer(): Promise<{ url: string; pid: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] })
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject)
    child.stdout?.once('data', chunk => resolve(String(chunk).trim()))
  })
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, child }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function fmt(value: number | undefined, width = 6): string {
  return (value ?? 0).toFixed(2).padStart(width)
}

// This engine against autocannon 9 and wrk, on the same targets in one run: a Node `http`
// hello-world server in its own process (so it does not share the generator's event loop) and
// nginx from the system's packages, each at 10 and 50 connections for 10 s (BENCH_DURATION
// changes it, e.g. '5s'). Each client runs BENCH_ROUNDS times (default 2), in alternating order,
// and its best round is shown, so a burst of other work on the machine does not decide the
// comparison. Prints req/s, p50 and p99 and the ratio of each client to autocannon. The
// generator and the targets share this machine's cores: read ratios, not absolutes. The
// generator's CPU time per request is printed for the two Node clients: it is the figure least
// disturbed by other work on the machine.

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { parseDuration } from '../src/config/duration.js'
import { runLoad } from '../src/load/index.js'
import type { ProcessServer } from '../test/support/processes.js'
import { nginxPath, startNginx, startNodeHelloProcess } from '../test/support/processes.js'

interface Figures {
  rps: number
  p50: number
  p99: number
  /** Generator CPU (user + system) per request, µs; null for wrk, which runs as a child. */
  cpuUs: number | null
}

interface AutocannonResult {
  requests: { total: number }
  latency: { p50: number; p99: number }
  duration: number
  errors: number
  non2xx: number
}

type Autocannon = (options: {
  url: string
  connections: number
  duration: number
  pipelining?: number
}) => Promise<AutocannonResult>

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
const exec = promisify(execFile)
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find(path => existsSync(path)) ?? null

async function engine(url: string, connections: number, seconds: number): Promise<Figures> {
  const cpu = process.cpuUsage()
  const result = await runLoad({ url, connections, duration: seconds * 1000 })
  if (result.requests.failed > 0) console.log(`  (engine: ${JSON.stringify(result.errors)})`)
  return {
    rps: result.throughputRps,
    p50: result.latencyMs.p50,
    p99: result.latencyMs.p99,
    cpuUs: cpuPerRequest(cpu, result.requests.total),
  }
}

async function cannon(url: string, connections: number, seconds: number): Promise<Figures> {
  const cpu = process.cpuUsage()
  const result = await autocannon({ url, connections, duration: seconds })
  if (result.errors + result.non2xx > 0) {
    console.log(`  (autocannon: ${result.errors} errors, ${result.non2xx} non-2xx)`)
  }
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs: cpuPerRequest(cpu, result.requests.total),
  }
}

function cpuPerRequest(since: NodeJS.CpuUsage, requests: number): number {
  const used = process.cpuUsage(since)
  return requests > 0 ? (used.user + used.system) / requests : Number.NaN
}

async function wrk(url: string, connections: number, seconds: number): Promise<Figures | null> {
  if (WRK === null) return null
  const { stdout } = await exec(WRK, ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url])
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1])
  return { rps, p50: wrkLatency(stdout, '50%'), p99: wrkLatency(stdout, '99%'), cpuUs: null }
}

// wrk prints the latency distribution as `50%  612.00us`, `99%    2.31ms`.
function wrkLatency(stdout: string, label: string): number {
  const match = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(stdout)
  if (!match) return Number.NaN
  const value = Number(match[1])
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value
}

function best(current: Figures | null, next: Figures | null): Figures | null {
  if (next === null) return current
  return current === null || next.rps > current.rps ? next : current
}

function row(tool: string, figures: Figures | null, base: Figures): string {
  if (figures === null) return `  ${tool.padEnd(12)} not installed`
  const ratio = figures.rps / base.rps
  const cpu = figures.cpuUs === null ? '-' : figures.cpuUs.toFixed(1)
  return `  ${tool.padEnd(12)} ${figures.rps.toFixed(0).padStart(9)} ${figures.p50.toFixed(3).padStart(9)} ${figures.p99.toFixed(3).padStart(9)} ${ratio.toFixed(2).padStart(8)}x ${cpu.padStart(9)}`
}

export async function run(): Promise<void> {
  const seconds = parseDuration(process.env.BENCH_DURATION ?? '10s', 'BENCH_DURATION') / 1000
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2))
  const targets: Array<{ name: string; start: () => Promise<ProcessServer> }> = [
    { name: 'node http hello world (child process)', start: startNodeHelloProcess },
  ]
  if (nginxPath() !== null) targets.push({ name: 'nginx (1 worker)', start: () => startNginx(1) })
  else console.log('nginx is not installed: only the Node target runs')

  const summary: string[] = []
  for (const target of targets) {
    const server = await target.start()
    try {
      // Warm both Node clients (JIT, first connections) so the first measured run is fair.
      await engine(server.url, 10, 2)
      await cannon(server.url, 10, 2)
      for (const connections of [10, 50]) {
        console.log(`\n${target.name}, ${connections} connections, ${seconds} s, best of ${rounds}`)
        console.log('  client           req/s   p50 ms    p99 ms   vs autocannon   CPU µs/req')
        const found: Record<'ours' | 'theirs' | 'native', Figures | null> = {
          ours: null,
          theirs: null,
          native: null,
        }
        for (let round = 0; round < rounds; round++) {
          const runs = [
            async () => {
              found.ours = best(found.ours, await engine(server.url, connections, seconds))
            },
            async () => {
              found.theirs = best(found.theirs, await cannon(server.url, connections, seconds))
            },
          ]
          if (round % 2 === 1) runs.reverse()
          for (const step of runs) await step()
          found.native = best(found.native, await wrk(server.url, connections, seconds))
        }
        const { ours, theirs, native } = found
        if (ours === null || theirs === null) throw new Error('no rounds ran')
        console.log(row('vitest-perf', ours, theirs))
        console.log(row('autocannon', theirs, theirs))
        console.log(row('wrk', native, theirs))
        summary.push(
          `${target.name}, ${connections} conn: vitest-perf ${(ours.rps / theirs.rps).toFixed(2)}x autocannon ` +
            `(CPU per request ${(ours.cpuUs ?? 0).toFixed(1)} vs ${(theirs.cpuUs ?? 0).toFixed(1)} µs)` +
            (native ? `, wrk ${(native.rps / theirs.rps).toFixed(2)}x` : ''),
        )
      }
    } finally {
      await server.close()
    }
  }
  console.log(`\n${summary.join('\n')}`)
  console.log(
    '(autocannon records whole milliseconds, so its sub-millisecond percentiles read 0 or 1)',
  )
}

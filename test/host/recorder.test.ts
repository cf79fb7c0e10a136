import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { recordHost } from '../../src/host/index.js'
import { judge } from '../../src/slo/levels.js'
import type { HostSample } from '../../src/types.js'

const children: ChildProcess[] = []

// Three spinning worker threads; the main thread stays idle and ends the process after 20 s
// whatever happens, so a burner can never outlive a crashed test run by long.
const BURNER = `
const { Worker } = require('node:worker_threads')
for (let i = 0; i < 3; i++) new Worker('for (;;) {}', { eval: true })
setTimeout(() => process.exit(0), 20000)
`

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

describe('recordHost on Linux', () => {
  it('sees a child process burning CPU above 50% of a core', async () => {
    const child = start(['-e', BURNER], { detached: true })
    favour(child.pid as number)
    await sleep(300)
    const ticksBefore = cpuTicks(child.pid as number)
    const wallBefore = performance.now()
    const recorder = recordHost({ intervalMs: 250, pids: [child.pid as number] })
    await sleep(1500)
    const summary = await recorder.stop()
    const independent =
      (cpuTicks(child.pid as number) - ticksBefore) / ((performance.now() - wallBefore) / 1000)

    const pid = String(child.pid)
    const cpu = summary.samples.map(sample => sample.processes?.[pid]?.cpu ?? 0)
    expect(Math.max(...cpu)).toBeGreaterThan(50)
    expect(summary.processes?.[pid]?.cpuPeak).toBeGreaterThan(50)
    expect(summary.processes?.[pid]?.rssPeakBytes).toBeGreaterThan(1_000_000)
    expect(summary.processes?.[pid]?.goneAtS).toBeNull()
    // The mean agrees with the child's own tick count over wall time (100 ticks a second).
    const mean = cpu.reduce((sum, value) => sum + value, 0) / cpu.length
    expect(Math.abs(mean - independent) / independent).toBeLessThan(0.3)
    // A core pinned by the child shows on the host too.
    expect(summary.cpu?.peak).toBeGreaterThan(20)
  })

  it('reports memory bytes that match /proc/meminfo within 1%', async () => {
    const seen: Array<{ sample: HostSample; usedBytes: number; totalBytes: number }> = []
    const recorder = recordHost({
      intervalMs: 100,
      onSample: sample => seen.push({ sample, ...meminfo() }),
    })
    await sleep(450)
    const summary = await recorder.stop()

    expect(seen.length).toBeGreaterThanOrEqual(3)
    for (const { sample, usedBytes, totalBytes } of seen) {
      const recorded = sample.memoryUsedBytes as number
      expect(Math.abs(recorded - usedBytes) / usedBytes).toBeLessThan(0.01)
      expect(sample.memory).toBeCloseTo((usedBytes / totalBytes) * 100, 0)
    }
    expect(summary.memoryTotalBytes).toBe(meminfo().totalBytes)
    expect(summary.unavailable).toEqual([])
  })

  it('sees a 200 ms busy-wait as an event-loop delay of at least 150 ms', async () => {
    const recorder = recordHost({ intervalMs: 100 })
    await sleep(250)
    busyWait(200)
    await sleep(250)
    const summary = await recorder.stop()

    expect(summary.eventLoop.delayMs.max).toBeGreaterThanOrEqual(150)
    const worst = Math.max(...summary.samples.map(sample => sample.loopDelayMaxMs ?? 0))
    expect(worst).toBeGreaterThanOrEqual(150)
    // One stall among many quiet timer ticks is not saturation.
    expect(summary.eventLoop.delayMs.p50).toBeLessThan(20)
  })

  it('calls a generator that kept its loop busy saturated, in words', async () => {
    const recorder = recordHost({ intervalMs: 100 })
    const until = performance.now() + 800
    while (performance.now() < until) {
      busyWait(30)
      await new Promise(resolve => setImmediate(resolve))
    }
    const summary = await recorder.stop()

    expect(summary.eventLoop.utilization).toBeGreaterThan(0.9)
    expect(summary.saturated).toBe(true)
    expect(summary.saturationReason).toMatch(
      /The load generator was saturated: its event loop was busy 9d%|100%/,
    )
  })

  it('marks a watched process gone from the sample it exited in on, without failing', async () => {
    const child = start(['-e', 'setTimeout(() => {}, 400)'])
    const exited = new Promise(resolve => child.once('exit', resolve))
    const recorder = recordHost({ intervalMs: 100, pids: [child.pid as number, 2 ** 22 + 7] })
    await exited
    await sleep(350)
    const summary = await recorder.stop()

    const pid = String(child.pid)
    const states = summary.samples.map(sample => sample.processes?.[pid] ?? null)
    const firstGone = states.indexOf(null)
    expect(states[0]).not.toBeNull()
    expect(firstGone).toBeGreaterThan(0)
    expect(states.slice(firstGone).every(state => state === null)).toBe(true)
    expect(summary.processes?.[pid]?.goneAtS).toBeGreaterThan(0)
    // A pid that never existed is gone from the first sample.
    expect(summary.processes?.[String(2 ** 22 + 7)]).toMatchObject({
      cpuPeak: null,
      goneAtS: expect.any(Number),
    })
  })

  it('judges the resources on every sample, matching judge() over the sample values', async () => {
    const recorder = recordHost({
      intervalMs: 100,
      levels: { memory: { normal: 0.01, warning: 0.02, critical: 0.03 } },
    })
    await sleep(650)
    const summary = await recorder.stop()

    const expected = judge(
      summary.samples.map(sample => sample.cpu),
      summary.cpu!.thresholds,
    )
    expect(summary.cpu?.samples).toBe(summary.sampleCount)
    expect(Math.abs((summary.cpu?.p95 ?? -1) - (expected?.p95 ?? -2))).toBeLessThanOrEqual(0.05)
    expect(Math.abs((summary.cpu?.mean ?? -1) - (expected?.mean ?? -2))).toBeLessThanOrEqual(0.01)
    // Thresholds from the options reach the judgement.
    expect(summary.memory?.level).toBe('critical')
    expect(summary.memory?.thresholds).toEqual({ normal: 0.01, warning: 0.02, critical: 0.03 })
  })

  it('keeps at most maxSamples, the newest intact, while judging every sample', async () => {
    let newest: HostSample | undefined
    const recorder = recordHost({ intervalMs: 100, maxSamples: 10, onSample: s => (newest = s) })
    await sleep(2100)
    const summary = await recorder.stop()

    expect(summary.sampleCount).toBeGreaterThan(14)
    expect(summary.samples.length).toBeLessThanOrEqual(10)
    expect(summary.cpu?.samples).toBe(summary.sampleCount)
    expect(summary.samples.at(-1)).toEqual(newest)
    const times = summary.samples.map(sample => sample.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(times[0]).toBeLessThan(0.5)
  })

  it('reports a mount it cannot read as unavailable, not as zero', async () => {
    const recorder = recordHost({ intervalMs: 100, mounts: ['/', '/no/such/mount'] })
    await sleep(150)
    const summary = await recorder.stop()

    expect(summary.samples[0]?.disks).toMatchObject({ '/no/such/mount': null })
    expect(summary.samples[0]?.disk).toBeGreaterThan(0)
    expect(summary.unavailable).toEqual(['disk:/no/such/mount'])
  })

  it('a forgotten recorder does not keep the process alive', async () => {
    const script = [
      "const { recordHost } = await import('./src/host/index.ts')",
      'recordHost({ intervalMs: 100 })',
      "setTimeout(() => console.log('done'), 300)",
    ].join('\n')
    const child = start(['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
    })
    let output = ''
    child.stdout?.on('data', chunk => {
      output += chunk
    })
    const code = await new Promise(resolve => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(output.trim()).toBe('done')
  })
})

describe('recordHost with portable sources (as on macOS)', () => {
  it('measures CPU and memory and reports network and processes as unavailable, never zero', async () => {
    const recorder = recordHost({ intervalMs: 100, source: 'portable', pids: [process.pid] })
    await sleep(350)
    const summary = await recorder.stop()

    const sample = summary.samples.at(-1) as HostSample
    expect(sample.cpu).toEqual(expect.any(Number))
    expect(sample.memory).toBeGreaterThan(0)
    expect(sample.rxBps).toBeNull()
    expect(sample.txBps).toBeNull()
    expect(sample.processes).toBeUndefined()
    expect(summary.unavailable).toEqual(expect.arrayContaining(['network', 'processes']))
    expect(summary.unavailable).not.toContain('cpu')
    // Read at a different moment from /proc/meminfo, and other processes allocate meanwhile:
    // compared as a share of total memory.
    const { usedBytes, totalBytes } = meminfo()
    expect(Math.abs((sample.memoryUsedBytes as number) - usedBytes) / totalBytes).toBeLessThan(0.01)
  })
})

function start(args: string[], options: { cwd?: string; detached?: boolean } = {}): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options })
  children.push(child)
  return child
}

/**
 * Gives a child a fair chance at the CPU on a machine shared with other busy sessions. Linux
 * shares CPU between sessions first (autogroups), so a `detached` child is in a session of its
 * own, and where allowed (root) its session's nice value is raised. Elsewhere this does
 * nothing and the child competes as usual.
 */
function favour(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, '-10')
  } catch {
    // Not Linux, no autogroups, or not allowed: the child competes as usual.
  }
}

/** User + system clock ticks of a process, read directly. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function meminfo(): { usedBytes: number; totalBytes: number } {
  const text = readFileSync('/proc/meminfo', 'utf8')
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1]) * 1024
  const totalBytes = field('MemTotal')
  return { totalBytes, usedBytes: totalBytes - field('MemAvailable') }
}

function busyWait(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin: the point is to block the event loop
  }
}

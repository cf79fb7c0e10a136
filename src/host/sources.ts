import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import { promisify } from 'node:util'
import type { CpuTimes, ProcessReading, ProcStat } from './proc.js'
import {
  busyPercent,
  ProcFiles,
  readDiskPercent,
  readMeminfo,
  readNetDev,
  readProcess,
  readProcStat,
} from './proc.js'

/** One reading of the host. Null means "could not be measured", never zero. */
export interface HostReading {
  cpu: number | null
  cpuCores: number[] | null
  memory: number | null
  memoryUsedBytes: number | null
  memoryTotalBytes: number | null
  disks: Record<string, number | null>
  rxBps: number | null
  txBps: number | null
  loadAverage: [number, number, number] | null
  /** By pid; null once gone. Absent when processes cannot be watched on this platform. */
  processes?: Record<string, { cpu: number; rssBytes: number } | null>
}

/** Where readings come from: Linux's /proc, or portable calls elsewhere. */
export interface HostSource {
  /** Takes the first cumulative counters, so the first `read()` can give rates. */
  prime(): Promise<void>
  read(): Promise<HostReading>
  /** Releases what the source holds open. */
  close(): Promise<void>
  /** Measurements this source can never take on this platform. */
  readonly unsupported: string[]
}

/** Which sources to read: `proc` (Linux), `portable` (elsewhere), `auto` picks by platform. */
export type SourceKind = 'auto' | 'proc' | 'portable'

/** Creates the source for `kind`; `auto` uses /proc where `/proc/stat` exists. */
export function createSource(kind: SourceKind, mounts: string[], pids: number[]): HostSource {
  const useProc = kind === 'proc' || (kind === 'auto' && existsSync('/proc/stat'))
  return useProc ? new ProcSource(mounts, pids) : new PortableSource(mounts)
}

const PROC = '/proc'
const execFileAsync = promisify(execFile)

/** Linux: `/proc/stat`, `/proc/meminfo`, `/proc/net/dev`, `/proc/<pid>/*`, `statfs`, loadavg. */
class ProcSource implements HostSource {
  readonly unsupported: string[] = []
  #stat: ProcStat | undefined
  #net: { rxBytes: number; txBytes: number; at: number } | undefined
  readonly #ticks = new Map<number, number>()
  readonly #pidCpu = new Map<number, number>()
  #cpu: number | null = null
  #cpuCores: number[] | null = null
  readonly #gone = new Set<number>()
  readonly #files = new ProcFiles()

  constructor(
    private readonly mounts: string[],
    private readonly pids: number[],
  ) {}

  async prime(): Promise<void> {
    const read = this.#files.read
    const [stat, net] = await Promise.all([
      settle(readProcStat(PROC, read)),
      settle(readNetDev(PROC, read)),
    ])
    this.#stat = stat ?? undefined
    if (net) this.#net = { ...net, at: performance.now() }
    const readings = await Promise.all(this.pids.map(pid => this.#readPid(pid)))
    this.pids.forEach((pid, i) => {
      const reading = readings[i]
      if (reading) this.#ticks.set(pid, reading.ticks)
    })
  }

  async read(): Promise<HostReading> {
    // The watched processes are read together with /proc/stat, so both tick counts describe
    // the same moment as nearly as possible.
    const read = this.#files.read
    const [stat, mem, net, disks, pidReadings] = await Promise.all([
      settle(readProcStat(PROC, read)),
      settle(readMeminfo(PROC, read)),
      settle(readNetDev(PROC, read)),
      readDisks(this.mounts),
      Promise.all(this.pids.map(pid => this.#readPid(pid))),
    ])
    const at = performance.now()
    const before = this.#stat
    const rates = net && this.#net ? netRates(this.#net, net, at) : null
    if (net) this.#net = { ...net, at }

    // The kernel counts CPU time in ticks (100 a second per core). Two readings less than a
    // tick apart (a late sample followed at once by the final one) carry no news: the last
    // CPU figures stand, and the baseline stays for the next reading.
    const hostTicks = stat && before ? (stat.host.total - before.host.total) / stat.cores.length : 0
    const fresh = stat !== null && (before === undefined || hostTicks >= 1)
    if (stat && fresh) {
      this.#stat = stat
      this.#cpu = before ? busyPercent(before.host, stat.host) : null
      this.#cpuCores = before ? coresPercent(before.cores, stat.cores) : null
    }

    // A process's ticks are compared with the host's: host ticks over the interval are
    // cores × clock rate × seconds, so the ratio gives percent of one core without knowing
    // the clock rate (which Node cannot ask for without a child process).
    const processes: Record<string, { cpu: number; rssBytes: number } | null> = {}
    this.pids.forEach((pid, i) => {
      const reading = pidReadings[i] ?? null
      processes[String(pid)] = reading && this.#processCpu(pid, reading, fresh ? hostTicks : 0)
    })

    return {
      cpu: stat ? this.#cpu : null,
      cpuCores: stat ? this.#cpuCores : null,
      memory: mem ? (mem.usedBytes / mem.totalBytes) * 100 : null,
      memoryUsedBytes: mem?.usedBytes ?? null,
      memoryTotalBytes: mem?.totalBytes ?? null,
      disks,
      rxBps: rates?.rxBps ?? null,
      txBps: rates?.txBps ?? null,
      loadAverage: loadAverage(),
      processes,
    }
  }

  /** One watched process, or null once it is gone. */
  async #readPid(pid: number): Promise<ProcessReading | null> {
    // Once gone, always gone: the pid may be reused by an unrelated process later.
    if (this.#gone.has(pid)) return null
    const reading = await settle(readProcess(pid, PROC, this.#files.read))
    if (reading) return reading

    this.#gone.add(pid)
    await this.#files.forget(`${PROC}/${pid}/stat`)
    await this.#files.forget(`${PROC}/${pid}/status`)
    return null
  }

  /** CPU of a watched process since the last fresh reading; `hostTicks` 0 keeps the last figure. */
  #processCpu(
    pid: number,
    reading: ProcessReading,
    hostTicks: number,
  ): { cpu: number; rssBytes: number } {
    const before = this.#ticks.get(pid)
    if (hostTicks > 0 || before === undefined) {
      this.#ticks.set(pid, reading.ticks)
      const cpu = before !== undefined ? ((reading.ticks - before) / hostTicks) * 100 : 0
      this.#pidCpu.set(pid, Math.max(0, cpu))
    }
    return { cpu: this.#pidCpu.get(pid) ?? 0, rssBytes: reading.rssBytes }
  }

  close(): Promise<void> {
    return this.#files.close()
  }
}

/**
 * Elsewhere (macOS, Windows): CPU from `os.cpus()` times, memory from `vm_stat` run
 * asynchronously on macOS, `os.freemem()` on Windows (there it is the available memory),
 * systeminformation's `mem()` on other systems; disks from `statfs`. Network and watched
 * processes would need more child processes every interval, so they are reported as
 * unavailable rather than disturb the generator.
 */
class PortableSource implements HostSource {
  readonly unsupported: string[]
  #cores: CpuTimes[] | undefined

  constructor(private readonly mounts: string[]) {
    this.unsupported = ['network', 'processes']
    if (process.platform === 'win32') this.unsupported.push('loadAverage')
  }

  async prime(): Promise<void> {
    this.#cores = osCores()
  }

  async close(): Promise<void> {}

  async read(): Promise<HostReading> {
    const [mem, disks] = await Promise.all([settle(systemMemory()), readDisks(this.mounts)])
    const cores = osCores()
    const before = this.#cores
    this.#cores = cores

    const cpuCores = before ? coresPercent(before, cores) : null
    const cpu = before ? busyPercent(sum(before), sum(cores)) : null
    return {
      cpu,
      cpuCores,
      memory: mem ? (mem.usedBytes / mem.totalBytes) * 100 : null,
      memoryUsedBytes: mem?.usedBytes ?? null,
      memoryTotalBytes: mem?.totalBytes ?? null,
      disks,
      rxBps: null,
      txBps: null,
      loadAverage: process.platform === 'win32' ? null : loadAverage(),
    }
  }
}

async function systemMemory(): Promise<{ totalBytes: number; usedBytes: number }> {
  const totalBytes = os.totalmem()
  // Windows reports available physical memory as free memory, which is what we want.
  if (process.platform === 'win32') return { totalBytes, usedBytes: totalBytes - os.freemem() }
  if (process.platform === 'darwin') {
    // os.freemem() on macOS leaves out inactive and cached pages, so memory would always look
    // nearly full; systeminformation's mem() runs `sysctl` synchronously on every call. vm_stat
    // run asynchronously gives the page counts without blocking the event loop.
    const { stdout } = await execFileAsync('vm_stat', [], { timeout: 2000 })
    return { totalBytes, usedBytes: parseVmStat(stdout) }
  }
  // Other systems without /proc: systeminformation, loaded on first use.
  const si = await import('systeminformation')
  const mem = await si.mem()
  return { totalBytes: mem.total, usedBytes: mem.total - mem.available }
}

/**
 * Memory used from macOS's `vm_stat`, bytes: active + wired + compressed pages, as Activity
 * Monitor counts "memory used" (cached and inactive pages are available to applications).
 */
export function parseVmStat(text: string): number {
  const pageSize = Number(/page size of (\d+) bytes/.exec(text)?.[1])
  const pages = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1] ?? 0)
  if (!Number.isFinite(pageSize) || pageSize <= 0) throw new Error('vm_stat printed no page size')
  const used =
    pages('Pages active') + pages('Pages wired down') + pages('Pages occupied by compressor')
  return used * pageSize
}

async function readDisks(mounts: string[]): Promise<Record<string, number | null>> {
  const disks: Record<string, number | null> = {}
  await Promise.all(
    mounts.map(async mount => {
      disks[mount] = await settle(readDiskPercent(mount))
    }),
  )
  return disks
}

function coresPercent(before: CpuTimes[], after: CpuTimes[]): number[] | null {
  if (before.length !== after.length || after.length === 0) return null
  return after.map((times, i) => busyPercent(before[i] as CpuTimes, times) ?? 0)
}

function netRates(
  before: { rxBytes: number; txBytes: number; at: number },
  after: { rxBytes: number; txBytes: number },
  at: number,
): { rxBps: number; txBps: number } | null {
  const seconds = (at - before.at) / 1000
  if (seconds <= 0) return null
  // Counters reset when an interface goes away; a negative rate would be a lie.
  return {
    rxBps: Math.max(0, (after.rxBytes - before.rxBytes) / seconds),
    txBps: Math.max(0, (after.txBytes - before.txBytes) / seconds),
  }
}

function osCores(): CpuTimes[] {
  return os.cpus().map(({ times }) => {
    const busy = times.user + times.nice + times.sys + times.irq
    return { busy, total: busy + times.idle }
  })
}

function sum(cores: CpuTimes[]): CpuTimes {
  return cores.reduce(
    (all, core) => ({ busy: all.busy + core.busy, total: all.total + core.total }),
    {
      busy: 0,
      total: 0,
    },
  )
}

function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg()
  return [one, five, fifteen]
}

/** The value, or null when reading it failed: one unreadable source never stops a sample. */
async function settle<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise
  } catch {
    return null
  }
}

import { loadavg } from 'node:os'
import type { CpuTimes } from '../host/proc.js'
import {
  busyPercent,
  readDiskPercent,
  readMeminfo,
  readNetDev,
  readProcStat,
} from '../host/proc.js'
import type { HostSnapshot } from './types.js'

/** A host reading plus what could not be read this time. */
export interface HostReading {
  host: HostSnapshot
  /** `resource: reason` for each value that failed (not for values the platform lacks). */
  failures: string[]
}

/**
 * Host resources for the monitor, from HOST's `/proc` readers: each a small asynchronous
 * file read, so a 1 s interval costs almost nothing (no `systeminformation` subprocess).
 * CPU and network are rates between two readings: the first interval gives null for them.
 * Off Linux every value but the load average is null.
 */
export class HostSampler {
  private lastCpu: CpuTimes | null = null
  private lastNet: { rxBytes: number; txBytes: number; at: number } | null = null
  private readonly disk: string

  /** `disk`: the mount point whose usage is reported. Default `/`. */
  constructor(disk = '/') {
    this.disk = disk
  }

  /** Reads every resource; never throws. */
  async sample(): Promise<HostReading> {
    const failures: string[] = []
    const linux = process.platform === 'linux'
    const guard = async <T>(resource: string, read: () => Promise<T>): Promise<T | null> => {
      if (!linux && resource !== 'disk') return null
      try {
        return await read()
      } catch (error) {
        failures.push(`${resource}: ${(error as Error).message}`)
        return null
      }
    }

    const [stat, mem, net, disk] = await Promise.all([
      guard('cpu', () => readProcStat()),
      guard('memory', () => readMeminfo()),
      guard('network', () => readNetDev()),
      guard('disk', () => readDiskPercent(this.disk)),
    ])
    const now = performance.now()

    const cpu = stat && this.lastCpu ? busyPercent(this.lastCpu, stat.host) : null
    if (stat) this.lastCpu = stat.host

    let rx: number | null = null
    let tx: number | null = null
    if (net && this.lastNet && now > this.lastNet.at) {
      const seconds = (now - this.lastNet.at) / 1000
      rx = Math.max(0, (net.rxBytes - this.lastNet.rxBytes) / seconds)
      tx = Math.max(0, (net.txBytes - this.lastNet.txBytes) / seconds)
    }
    if (net) this.lastNet = { ...net, at: now }

    const load = process.platform === 'win32' ? null : (loadavg()[0] ?? null)
    return {
      host: {
        cpu: round(cpu),
        memory: mem && mem.totalBytes > 0 ? round((mem.usedBytes / mem.totalBytes) * 100) : null,
        disk: round(disk),
        network_rx: round(rx),
        network_tx: round(tx),
        load: round(load),
      },
      failures,
    }
  }
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100
}

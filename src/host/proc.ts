// Readers for Linux's /proc. Each is one small asynchronous file read: no child process, no
// synchronous I/O, so sampling every second costs the generator's event loop almost nothing.
import type { FileHandle } from 'node:fs/promises'
import { open, readFile, statfs } from 'node:fs/promises'

/** Reads a whole text file. */
export type ReadText = (path: string) => Promise<string>

const readWhole: ReadText = path => readFile(path, 'utf8')

/**
 * Keeps /proc files open and re-reads them from offset 0: the kernel regenerates their text
 * on every read from the start. One positioned read is one trip to libuv's thread pool,
 * where `readFile` takes five (open, stat, read, read, close); at one sample a second the
 * difference is small, but it is the recorder's main cost after the loop-delay timer.
 */
export class ProcFiles {
  readonly #handles = new Map<string, Promise<FileHandle>>()
  /** One buffer per file: files are read in parallel. */
  readonly #buffers = new Map<string, Buffer>()

  readonly read: ReadText = async path => {
    let opening = this.#handles.get(path)
    if (!opening) {
      opening = open(path, 'r')
      this.#handles.set(path, opening)
      // A failed open is forgotten at once, so the next sample tries again.
      opening.catch(() => this.#handles.delete(path))
    }

    try {
      const handle = await opening
      let buffer = this.#buffers.get(path) ?? Buffer.alloc(4096)
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
        if (bytesRead < buffer.length) {
          this.#buffers.set(path, buffer)
          return buffer.toString('utf8', 0, bytesRead)
        }
        buffer = Buffer.alloc(buffer.length * 2)
      }
    } catch (error) {
      await this.forget(path)
      throw error
    }
  }

  /** Closes one file (a watched process that is gone). */
  async forget(path: string): Promise<void> {
    const opening = this.#handles.get(path)
    this.#handles.delete(path)
    this.#buffers.delete(path)
    await opening?.then(handle => handle.close()).catch(() => {})
  }

  /** Closes every file. */
  async close(): Promise<void> {
    await Promise.all([...this.#handles.keys()].map(path => this.forget(path)))
  }
}

/** Cumulative CPU time in clock ticks: `busy` is everything but idle and I/O wait. */
export interface CpuTimes {
  busy: number
  total: number
}

/** `/proc/stat`: the whole host (the `cpu` line) and each core (`cpuN` lines). */
export interface ProcStat {
  host: CpuTimes
  cores: CpuTimes[]
}

/** Reads `/proc/stat`. */
export async function readProcStat(root = '/proc', read: ReadText = readWhole): Promise<ProcStat> {
  const text = await read(`${root}/stat`)
  let host: CpuTimes | undefined
  const cores: CpuTimes[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue
    const [name, ...fields] = line.trim().split(/\s+/)
    const times = cpuTimes(fields.map(Number))
    if (name === 'cpu') host = times
    else cores.push(times)
  }
  if (!host) throw new Error(`${root}/stat has no cpu line`)
  return { host, cores }
}

/** Percent of `total` ticks that were busy between two readings; null when no time passed. */
export function busyPercent(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total
  if (total <= 0) return null
  return clampPercent(((after.busy - before.busy) / total) * 100)
}

/** Memory from `/proc/meminfo`, bytes. Used = total − available (what `free` calls available). */
export async function readMeminfo(
  root = '/proc',
  read: ReadText = readWhole,
): Promise<{ totalBytes: number; usedBytes: number }> {
  const text = await read(`${root}/meminfo`)
  const total = meminfoField(text, 'MemTotal')
  const available = meminfoField(text, 'MemAvailable') ?? meminfoField(text, 'MemFree')
  if (total === undefined || available === undefined) {
    throw new Error(`${root}/meminfo has no MemTotal or MemAvailable`)
  }
  return { totalBytes: total, usedBytes: total - available }
}

/** Cumulative bytes received and sent over every interface except loopback (`/proc/net/dev`). */
export async function readNetDev(
  root = '/proc',
  read: ReadText = readWhole,
): Promise<{ rxBytes: number; txBytes: number }> {
  const text = await read(`${root}/net/dev`)
  let rxBytes = 0
  let txBytes = 0
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const name = line.slice(0, colon).trim()
    if (name === 'lo') continue
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number)
    rxBytes += fields[0] ?? 0
    txBytes += fields[8] ?? 0
  }
  return { rxBytes, txBytes }
}

/** A watched process: its cumulative CPU ticks (user + system) and resident set size. */
export interface ProcessReading {
  ticks: number
  rssBytes: number
}

/**
 * Reads `/proc/<pid>/stat` and `/proc/<pid>/status`. Null when the process is gone: the files
 * are missing, or it is a zombie (exited, not yet reaped by its parent).
 */
export async function readProcess(
  pid: number,
  root = '/proc',
  read: ReadText = readWhole,
): Promise<ProcessReading | null> {
  try {
    const [stat, status] = await Promise.all([
      read(`${root}/${pid}/stat`),
      read(`${root}/${pid}/status`),
    ])

    // The command name sits in parentheses and may itself contain spaces or parentheses, so
    // the fields are counted from the last closing parenthesis: state is field 3, utime 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const state = fields[0]
    if (state === 'Z' || state === 'X') return null
    const ticks = Number(fields[11]) + Number(fields[12])
    const rssBytes = meminfoField(status, 'VmRSS') ?? 0
    return { ticks, rssBytes }
  } catch (error) {
    if (isGone(error)) return null
    throw error
  }
}

/** Disk usage of the file system holding `mount`, percent, as `df` computes it. */
export async function readDiskPercent(mount: string): Promise<number> {
  const stats = await statfs(mount)
  const used = stats.blocks - stats.bfree
  const usable = used + stats.bavail
  return usable > 0 ? clampPercent((used / usable) * 100) : 0
}

function cpuTimes(fields: number[]): CpuTimes {
  // user nice system idle iowait irq softirq steal; guest time is already inside user.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    fields
  const busy = user + nice + system + irq + softirq + steal
  return { busy, total: busy + idle + iowait }
}

function meminfoField(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text)
  return match ? Number(match[1]) * 1024 : undefined
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ESRCH'
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value))
}

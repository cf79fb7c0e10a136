import os from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { logger } from '../config/logger.js'
import { judgeStats, levelResources } from '../slo/levels.js'
import type { HostSample, HostSummary } from '../types.js'
import type { Collector, CollectorOptions } from './collectors.js'
import { CollectorSet } from './collectors.js'
import { EventLoopWatch } from './event-loop.js'
import { Distribution, SampleHistory } from './history.js'
import type { RecordHostOptions, ResolvedHostOptions } from './options.js'
import { resolveHostOptions } from './options.js'
import { saturationReason } from './saturation.js'
import type { HostReading, HostSource } from './sources.js'
import { createSource } from './sources.js'

/** The shortest recording whose one sample still has CPU ticks to read, ms. */
const MIN_FIRST_SAMPLE_MS = 50

/** A running host recording. */
export interface HostRecorder {
  /** Stops sampling (after one last sample) and summarises the recording. Safe to call twice. */
  stop(): Promise<HostSummary>
  /** Adds a custom collector, called once per sample within its timeout. */
  addCollector(fn: Collector, options?: CollectorOptions): void
  /** The samples so far, oldest first (older ones merged once more than `maxSamples`). */
  samples(): HostSample[]
  /** The options in force, defaults filled in. */
  readonly options: ResolvedHostOptions
}

/**
 * Starts recording the host: CPU (whole and per core), memory, disk, network, load average,
 * watched processes, custom collectors and this process's own event loop, every `intervalMs`.
 * Options are validated first (`PerfConfigError`). The timer is unref'd, so a recorder that is
 * never stopped does not keep the process alive.
 */
export function recordHost(options?: RecordHostOptions): HostRecorder {
  return new Recorder(resolveHostOptions(options))
}

class Recorder implements HostRecorder {
  readonly options: ResolvedHostOptions
  readonly #source: HostSource
  readonly #loop = new EventLoopWatch()
  readonly #collectors: CollectorSet
  readonly #history: SampleHistory
  readonly #primed: Promise<void>
  readonly #startedAt = performance.now()
  readonly #timer: NodeJS.Timeout
  readonly #measured = new Set<string>()
  readonly #resources = {
    cpu: new Distribution(),
    memory: new Distribution(),
    disk: new Distribution(),
  }
  readonly #processes = new Map<string, ProcessTrack>()
  #memoryTotalBytes: number | null = null
  #sampleCount = 0
  #lastSampleAt = this.#startedAt
  #running: Promise<void> | null = null
  #summary: Promise<HostSummary> | null = null

  constructor(options: ResolvedHostOptions) {
    this.options = options
    this.#source = createSource(options.source, options.mounts, options.pids)
    this.#collectors = new CollectorSet(options.collectorTimeoutMs)
    this.#history = new SampleHistory(options.maxSamples)
    this.#primed = this.#source.prime().catch(error => {
      logger().warn('host recorder could not take its first readings', { error: String(error) })
    })
    this.#timer = setInterval(() => this.#tick(), options.intervalMs)
    this.#timer.unref()
  }

  addCollector(fn: Collector, options?: CollectorOptions): void {
    this.#collectors.add(fn, options)
  }

  samples(): HostSample[] {
    return this.#history.all()
  }

  stop(): Promise<HostSummary> {
    this.#summary ??= this.#finish()
    return this.#summary
  }

  async #finish(): Promise<HostSummary> {
    clearInterval(this.#timer)
    if (this.#running) await this.#running

    // One last sample, so a scenario shorter than the interval still has one, unless the
    // previous sample is too recent for its rates to mean anything. The kernel counts CPU in
    // 10 ms ticks: a recording stopped within a few ms would read no ticks at all.
    const age = performance.now() - this.#startedAt
    if (this.#sampleCount === 0 && age < MIN_FIRST_SAMPLE_MS) {
      await sleep(MIN_FIRST_SAMPLE_MS - age)
    }
    if (this.#sampleCount === 0 || performance.now() - this.#lastSampleAt >= 100) {
      await this.#sample()
    }

    const whole = this.#loop.whole()
    this.#loop.stop()
    await this.#source.close()
    return this.#summarise(whole)
  }

  #tick(): void {
    // A sample still running (a slow disk, a hung collector) is not overlapped by the next.
    if (this.#running || this.#summary) return
    this.#running = this.#sample().finally(() => {
      this.#running = null
    })
  }

  async #sample(): Promise<void> {
    try {
      await this.#primed
      const [reading, custom] = await Promise.all([
        this.#source.read(),
        this.#collectors.size > 0 ? this.#collectors.run() : Promise.resolve(undefined),
      ])
      const loop = this.#loop.take()
      this.#lastSampleAt = performance.now()
      const sample = this.#toSample(reading, loop, custom)
      this.#record(reading, sample)
      this.options.onSample?.(sample)
    } catch (error) {
      logger().warn('host sample failed', { error: String(error) })
    }
  }

  #toSample(
    reading: HostReading,
    loop: ReturnType<EventLoopWatch['take']>,
    custom: Record<string, number> | undefined,
  ): HostSample {
    const disks = Object.values(reading.disks).filter((value): value is number => value !== null)
    const sample: HostSample = {
      t: round((this.#lastSampleAt - this.#startedAt) / 1000, 3),
      cpu: roundOrNull(reading.cpu),
      memory: roundOrNull(reading.memory),
      disk: disks.length > 0 ? round(Math.max(...disks), 2) : null,
      rxBps: roundOrNull(reading.rxBps, 0),
      txBps: roundOrNull(reading.txBps, 0),
      loopDelayP99Ms: loop.delayP99Ms,
      loopUtilization: loop.utilization,
      cpuCores: reading.cpuCores?.map(value => round(value, 2)) ?? null,
      memoryUsedBytes: reading.memoryUsedBytes,
      disks: Object.fromEntries(
        Object.entries(reading.disks).map(([mount, value]) => [mount, roundOrNull(value)]),
      ),
      loadAverage: reading.loadAverage,
      loopDelayP50Ms: loop.delayP50Ms,
      loopDelayMaxMs: loop.delayMaxMs,
    }
    if (reading.processes) {
      sample.processes = Object.fromEntries(
        Object.entries(reading.processes).map(([pid, value]) => [
          pid,
          value && { cpu: round(value.cpu, 2), rssBytes: value.rssBytes },
        ]),
      )
    }
    if (custom) sample.custom = custom
    return sample
  }

  #record(reading: HostReading, sample: HostSample): void {
    this.#sampleCount++
    this.#history.push(sample)
    this.#resources.cpu.add(sample.cpu)
    this.#resources.memory.add(sample.memory)
    this.#resources.disk.add(sample.disk)
    if (reading.memoryTotalBytes !== null) this.#memoryTotalBytes = reading.memoryTotalBytes

    const seen: Array<[string, unknown]> = [
      ['cpu', sample.cpu],
      ['cpuCores', sample.cpuCores],
      ['memory', sample.memory],
      ['network', sample.rxBps],
      ['loadAverage', sample.loadAverage],
    ]
    for (const [mount, value] of Object.entries(reading.disks)) seen.push([`disk:${mount}`, value])
    for (const [name, value] of seen) if (value !== null) this.#measured.add(name)

    for (const [pid, value] of Object.entries(sample.processes ?? {})) {
      let track = this.#processes.get(pid)
      if (!track) {
        track = {
          cpu: new Distribution(100 * os.availableParallelism(), 0.5),
          rssPeak: null,
          goneAt: null,
        }
        this.#processes.set(pid, track)
      }
      if (value === null) {
        track.goneAt ??= sample.t
        continue
      }
      track.cpu.add(value.cpu)
      track.rssPeak = Math.max(track.rssPeak ?? 0, value.rssBytes)
    }
  }

  #summarise(whole: ReturnType<EventLoopWatch['whole']>): HostSummary {
    const judged = Object.fromEntries(
      levelResources.map(resource => {
        const stats = this.#resources[resource].stats()
        const judgement =
          stats && judgeStats(stats, this.options.levels[resource], this.options.basis)
        return [resource, judgement]
      }),
    ) as Pick<HostSummary, 'cpu' | 'memory' | 'disk'>

    const reason = saturationReason(whole)
    const summary: HostSummary = {
      intervalMs: this.options.intervalMs,
      sampleCount: this.#sampleCount,
      ...judged,
      eventLoop: {
        delayMs: { p50: whole.delayP50Ms, p99: whole.delayP99Ms, max: whole.delayMaxMs },
        utilization: whole.utilization,
      },
      saturated: reason !== null,
      saturationReason: reason,
      unavailable: this.#unavailable(),
      samples: this.#history.all(),
      memoryTotalBytes: this.#memoryTotalBytes,
    }

    if (this.#processes.size > 0) summary.processes = this.#processSummary()
    const failures = this.#collectors.failures()
    if (failures.length > 0) summary.collectorFailures = failures
    return summary
  }

  #unavailable(): string[] {
    const wanted = ['cpu', 'cpuCores', 'memory', 'network', 'loadAverage']
    const missing = wanted.filter(name => !this.#measured.has(name))
    const disks = this.options.mounts.map(mount => `disk:${mount}`)
    const missingDisks = disks.filter(name => !this.#measured.has(name))
    if (missingDisks.length === disks.length) missing.push('disk')
    missing.push(...missingDisks)
    for (const name of this.#source.unsupported) if (!missing.includes(name)) missing.push(name)
    return missing
  }

  #processSummary(): NonNullable<HostSummary['processes']> {
    const summary: NonNullable<HostSummary['processes']> = {}
    for (const [pid, track] of this.#processes) {
      const stats = track.cpu.stats()
      summary[pid] = {
        cpuP95: stats ? round(stats.p95, 2) : null,
        cpuPeak: stats ? round(stats.peak, 2) : null,
        rssPeakBytes: track.rssPeak,
        goneAtS: track.goneAt,
      }
    }
    return summary
  }
}

interface ProcessTrack {
  cpu: Distribution
  rssPeak: number | null
  goneAt: number | null
}

function roundOrNull(value: number | null, digits = 2): number | null {
  return value === null ? null : round(value, digits)
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

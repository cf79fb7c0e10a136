import { Redis } from 'ioredis'
import { logger } from '../../config/logger.js'
import type { HistoryPoint, SeriesKey } from '../types.js'
import type { SeriesPoint } from './series.js'

/** Where a Redis-backed history stands. */
export interface RedisState {
  connected: boolean
  /** Points waiting to be written. */
  buffered: number
  /** The last connection or write error, without the URL (it may hold a password). */
  error: string | null
  /** When Redis was first seen down in the current outage, epoch ms. */
  downSince: number | null
  /** While connected: why the last write failed (a Redis paused or overloaded times out, a full
   * one refuses); null once a write succeeds. The connection stays open through such a stall, so
   * `connected` alone does not say whether history is being stored. */
  writeError: string | null
  /** When writes began failing in the current run of failures, epoch ms. */
  failingSince: number | null
}

export interface RedisHistoryOptions {
  url: string
  prefix: string
  /** Points kept per series; older ones are trimmed on every write. */
  maxHistorySize: number
  /** Called with every series' stored points when a connection becomes ready. */
  onLoad: (series: SeriesKey, points: HistoryPoint[]) => void
  /** Which stored series are loaded; the others are left in Redis, unread. Default: all. */
  keep?: (series: SeriesKey) => boolean
  /** Every series held in memory with its points, oldest first: what a Redis that lost them
   * (restarted without persistence, say) is given back when it returns. */
  held: () => Iterable<[SeriesKey, HistoryPoint[]]>
  /** Called once, on the first connection, with the alert state an earlier run saved (parsed
   * JSON), when there is one. */
  onAlerts?: (saved: unknown) => void
}

/** Points per ZADD command, so one huge backlog does not become one huge command. */
const CHUNK = 1000

/** How long a read may wait, in ms. A read serves an API request that has memory to fall back
 * on, so it gives up well before `commandTimeout`, which is sized for writes that may carry a
 * backlog. */
const READ_TIMEOUT_MS = 1000

/**
 * History in Redis: one sorted set per series (score = epoch ms, member = `t:v`, so writing
 * the same point twice stores it once) plus a set naming the series.
 *
 * Writes go through a queue. While Redis is down the queue holds every interval's points and
 * the client reconnects with exponential backoff; once it is ready again the queue drains in
 * order. Each drain step is one MULTI/EXEC, so a batch is stored whole or not at all, and a
 * batch whose reply was lost is simply written again. A Redis that comes back without what was
 * written before the outage (restarted without persistence) is given back what memory holds,
 * ahead of the queue, so its history ends up the same as if it had never gone away.
 */
export class RedisHistory {
  private readonly client: Redis
  private readonly options: RedisHistoryOptions
  /** Batches not yet stored, oldest first; one batch per interval. */
  private readonly queue: SeriesPoint[][] = []
  private draining: Promise<void> | null = null
  private ready = false
  private error: string | null = null
  private downSince: number | null = null
  private writeError: string | null = null
  private failingSince: number | null = null
  private closed = false
  /** Alert state (JSON) not yet written; null when Redis holds the latest. */
  private alertState: string | null = null
  private alertsLoaded = false

  constructor(options: RedisHistoryOptions) {
    this.options = options
    this.client = new Redis(options.url, {
      lazyConnect: true,
      // Commands fail at once while disconnected: the queue here is the only buffer, so it is
      // counted and bounded, and nothing is sent twice from two buffers.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 5000,
      // Exponential backoff from 200 ms, capped at 2 s: a local Redis back from a restart is
      // found quickly, and a long outage costs one connection attempt every 2 s.
      retryStrategy: times => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    })
    this.client.on('ready', () => this.onReady())
    this.client.on('error', (error: Error) => this.onDown(error.message))
    this.client.on('close', () => this.onDown(this.error ?? 'connection closed'))
  }

  /** Connects, waiting at most `waitMs` for the first connection; the monitor starts either way. */
  async open(waitMs: number): Promise<void> {
    this.client.connect().catch(() => {
      // The retry strategy keeps reconnecting; the error is already recorded by the listener.
    })
    const deadline = Date.now() + waitMs
    while (!this.ready && Date.now() < deadline) await sleep(25)
    if (this.draining) await this.draining
  }

  state(): RedisState {
    return {
      connected: this.ready,
      buffered: this.queue.reduce((sum, batch) => sum + batch.length, 0),
      error: this.ready ? null : this.error,
      downSince: this.ready ? null : this.downSince,
      writeError: this.ready ? this.writeError : null,
      failingSince: this.ready ? this.failingSince : null,
    }
  }

  /** Queues one interval's points and writes them when connected. Never throws, never waits. */
  append(points: SeriesPoint[]): void {
    if (!points.length) return
    this.queue.push(points)
    // One batch per interval: beyond maxHistorySize batches the oldest would be trimmed from
    // Redis anyway, so the queue never holds more than the store keeps.
    if (this.queue.length > this.options.maxHistorySize) this.queue.shift()
    this.drain()
  }

  /** The stored points of one series with `t >= since`, oldest first. Throws when disconnected
   * or when Redis has not answered within READ_TIMEOUT_MS. */
  async range(series: SeriesKey, since: number): Promise<HistoryPoint[]> {
    const read = this.client.zrangebyscore(this.key(series), since, '+inf')
    const members = await within(read, READ_TIMEOUT_MS)
    const points = parseMembers(members)
    if (points.length < members.length) {
      logger().debug('monitor: skipped malformed points read from Redis', {
        series,
        skipped: members.length - points.length,
      })
    }
    return points
  }

  /** Writes everything queued, waiting at most `timeoutMs`. True when the queue is empty. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.queue.length && Date.now() < deadline) {
      if (this.ready) await this.drain()
      if (this.queue.length) await sleep(25)
    }
    return this.queue.length === 0
  }

  /**
   * Keeps the alert state (the firing alerts, as plain JSON) under `<prefix>:alerts`, so a
   * monitor started again resolves what was firing when it stopped. Only the latest state is
   * kept; while Redis is down it is written once Redis returns. Never throws, never waits.
   */
  saveAlerts(state: unknown): void {
    this.alertState = JSON.stringify(state)
    this.writeAlerts()
  }

  /** Flushes (bounded) and disconnects. */
  async close(timeoutMs = 3000): Promise<boolean> {
    const flushed = await this.flush(timeoutMs)
    if (this.ready && this.alertState !== null) {
      await within(this.client.set(this.alertsKey(), this.alertState), READ_TIMEOUT_MS).catch(
        () => {},
      )
    }
    this.closed = true
    if (this.ready) await this.client.quit().catch(() => this.client.disconnect())
    else this.client.disconnect()
    return flushed
  }

  private drain(): Promise<void> {
    if (!this.ready || this.closed) return Promise.resolve()
    this.draining ??= this.writeQueue().finally(() => {
      this.draining = null
    })
    return this.draining
  }

  private async writeQueue(): Promise<void> {
    while (this.queue.length && this.ready) {
      const batch = this.queue[0] as SeriesPoint[]
      try {
        await this.write(batch)
      } catch (error) {
        this.onWriteFailed((error as Error).message)
        return
      }
      if (this.queue[0] === batch) this.queue.shift()
      this.onWriteSucceeded()
    }
  }

  private async write(batch: SeriesPoint[]): Promise<void> {
    const bySeries = new Map<SeriesKey, SeriesPoint[]>()
    for (const point of batch) {
      const list = bySeries.get(point.series) ?? []
      list.push(point)
      bySeries.set(point.series, list)
    }

    const multi = this.client.multi()
    multi.sadd(this.seriesSetKey(), ...bySeries.keys())
    for (const [series, points] of bySeries) {
      const key = this.key(series)
      for (let i = 0; i < points.length; i += CHUNK) {
        const args: Array<string | number> = []
        for (const point of points.slice(i, i + CHUNK)) args.push(point.t, memberOf(point))
        multi.zadd(key, ...args)
      }
      multi.zremrangebyrank(key, 0, -this.options.maxHistorySize - 1)
    }
    const replies = await multi.exec()
    const failed = replies?.find(([error]) => error)
    if (!replies || failed) throw failed?.[0] ?? new Error('transaction aborted')
  }

  private writeAlerts(): void {
    const state = this.alertState
    if (!this.ready || this.closed || state === null) return
    this.client.set(this.alertsKey(), state).then(
      () => {
        if (this.alertState === state) this.alertState = null
      },
      () => {
        // Kept: written again with the next change, on reconnect, or at close.
      },
    )
  }

  /** The alert state an earlier run saved, handed over once, before this run writes its own. */
  private async loadAlerts(): Promise<void> {
    if (this.alertsLoaded || !this.options.onAlerts) return
    const saved = await this.client.get(this.alertsKey())
    this.alertsLoaded = true
    if (saved === null) return
    try {
      this.options.onAlerts(JSON.parse(saved))
    } catch (error) {
      logger().warn('monitor: the alert state saved in Redis could not be read; not restored', {
        error: (error as Error).message,
      })
    }
  }

  private async onReady(): Promise<void> {
    if (this.closed) return
    try {
      this.restore(await this.load())
      await this.loadAlerts()
    } catch (error) {
      this.error = (error as Error).message
    }
    this.ready = true
    this.downSince = null
    this.error = null
    this.writeError = null
    this.failingSince = null
    logger().info('monitor: Redis history connected', { buffered: this.state().buffered })
    this.drain()
    this.writeAlerts()
  }

  /**
   * Reads every stored series this monitor keeps (the newest maxHistorySize points) into
   * memory; returns the members read, per series. Series it does not keep (an endpoint since
   * renamed, another monitor's endpoints under the same prefix) are left unread, and members
   * that are not a finite time and value are skipped.
   */
  private async load(): Promise<Map<SeriesKey, Set<string>>> {
    const stored = new Map<SeriesKey, Set<string>>()
    const names = (await this.client.smembers(this.seriesSetKey())) as SeriesKey[]
    const keep = this.options.keep ?? (() => true)
    const left: SeriesKey[] = []
    let malformed = 0
    for (const series of names) {
      if (!keep(series)) {
        left.push(series)
        continue
      }
      const members = await this.client.zrange(this.key(series), -this.options.maxHistorySize, -1)
      stored.set(series, new Set(members))
      const points = parseMembers(members)
      malformed += members.length - points.length
      this.options.onLoad(series, points)
    }

    if (left.length) {
      const series = left.sort().slice(0, 20)
      logger().info('monitor: history in Redis for components not probed here left unread', {
        count: left.length,
        series,
      })
    }
    if (malformed)
      logger().debug('monitor: skipped malformed points in Redis', { count: malformed })
    return stored
  }

  /**
   * Queues, ahead of the intervals buffered during the outage, the points memory holds that
   * Redis does not. Without this, a Redis restarted empty would get only the outage's points,
   * and the API (which reads Redis while it is connected) would serve minutes of a day's history.
   * One batch per series keeps each MULTI/EXEC at most `maxHistorySize` points.
   */
  private restore(stored: Map<SeriesKey, Set<string>>): void {
    const queued = new Set<string>()
    for (const batch of this.queue) {
      for (const point of batch) queued.add(`${point.series} ${memberOf(point)}`)
    }

    const missing: SeriesPoint[][] = []
    for (const [series, points] of this.options.held()) {
      const inRedis = stored.get(series)
      const batch: SeriesPoint[] = []
      for (const point of points) {
        const member = memberOf(point)
        if (inRedis?.has(member) || queued.has(`${series} ${member}`)) continue
        batch.push({ series, t: point.t, v: point.v })
      }
      if (batch.length) missing.push(batch)
    }
    if (!missing.length) return

    const count = missing.reduce((sum, batch) => sum + batch.length, 0)
    logger().info('monitor: Redis lacks points held in memory; writing them back', { count })
    this.queue.unshift(...missing)
  }

  private onWriteFailed(message: string): void {
    // Only a connection's first failure is a warning: a paused Redis fails every interval's
    // write until it answers again, and health reports it meanwhile.
    if (this.writeError === null) {
      logger().warn('monitor: writing history to Redis failed; kept in memory', { error: message })
    }
    this.writeError = message
    this.failingSince ??= Date.now()
  }

  private onWriteSucceeded(): void {
    if (this.writeError === null) return
    logger().info('monitor: writing history to Redis works again', {
      buffered: this.state().buffered,
    })
    this.writeError = null
    this.failingSince = null
  }

  private onDown(message: string): void {
    if (this.closed) return
    if (this.ready)
      logger().warn('monitor: Redis history disconnected; sampling continues in memory')
    this.ready = false
    this.error = message
    this.downSince ??= Date.now()
  }

  private key(series: SeriesKey): string {
    return `${this.options.prefix}:s:${series}`
  }

  private seriesSetKey(): string {
    return `${this.options.prefix}:series`
  }

  private alertsKey(): string {
    return `${this.options.prefix}:alerts`
  }
}

/** A point's member in its sorted set: time and value, so a point written twice is stored once. */
function memberOf(point: HistoryPoint): string {
  return `${point.t}:${point.v}`
}

/**
 * The points of stored members, skipping any that is not `<time>:<value>` with both finite:
 * something other than a monitor may have written to the key, and a `NaN` or a missing part
 * would reach the API and the analysis as a point without a time or value.
 */
function parseMembers(members: string[]): HistoryPoint[] {
  const points: HistoryPoint[] = []
  for (const member of members) {
    const at = member.indexOf(':')
    if (at <= 0 || at === member.length - 1) continue
    const t = Number(member.slice(0, at))
    const v = Number(member.slice(at + 1))
    if (Number.isFinite(t) && Number.isFinite(v)) points.push({ t, v })
  }
  return points
}

/** The promise's outcome, or a rejection once `ms` have passed without one. The command given up
 * on still gets its reply (or its own timeout) later, and Promise.race has already handled it. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

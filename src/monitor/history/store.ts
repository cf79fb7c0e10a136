import { logger } from '../../config/logger.js'
import type { HealthProblem, HistoryPoint, SeriesKey } from '../types.js'
import { RedisHistory } from './redis.js'
import { Ring } from './ring.js'
import type { SeriesPoint } from './series.js'

export interface HistoryStoreOptions {
  /** Points kept per series. */
  maxHistorySize: number
  /** Redis URL; null keeps history in memory only. */
  redisUrl: string | null
  /** Key prefix in Redis. */
  prefix: string
  /** Which series stored in Redis are loaded at start (and so analysed); default all. */
  keep?: (series: SeriesKey) => boolean
  /** Called once, on the first connection to Redis, with the alert state an earlier run saved. */
  onAlerts?: (saved: unknown) => void
}

/**
 * The monitor's history: a bounded ring per series in memory, mirrored to Redis when a URL is
 * given. Sampling only ever writes to memory synchronously; Redis is written behind it, so a
 * slow or absent Redis never delays an interval.
 */
export class HistoryStore {
  private readonly rings = new Map<SeriesKey, Ring>()
  private readonly options: HistoryStoreOptions
  private readonly redis: RedisHistory | null

  constructor(options: HistoryStoreOptions) {
    this.options = options
    this.redis = options.redisUrl
      ? new RedisHistory({
          url: options.redisUrl,
          prefix: options.prefix,
          maxHistorySize: options.maxHistorySize,
          onLoad: (series, points) => this.ring(series).merge(points),
          held: () => this.held(),
          ...(options.onAlerts ? { onAlerts: options.onAlerts } : {}),
          ...(options.keep ? { keep: options.keep } : {}),
        })
      : null
  }

  /** Connects to Redis (waiting at most `waitMs`) and loads what it holds. */
  async open(waitMs = 2000): Promise<void> {
    await this.redis?.open(waitMs)
  }

  /** Keeps the alert state in Redis for the next run; nothing without Redis. */
  saveAlerts(state: unknown): void {
    this.redis?.saveAlerts(state)
  }

  /** Adds one interval's points to memory, and queues them for Redis. */
  append(points: SeriesPoint[]): void {
    for (const point of points) this.ring(point.series).push(point.t, point.v)
    this.redis?.append(points)
  }

  /** Points of one series since `since` (epoch ms): from Redis when it is connected and storing
   * (so monitors sharing it see each other's points), else from memory. While writes fail, Redis
   * lacks the points waiting in the queue, and a paused Redis would hold the request until the
   * read times out, so memory is both fresher and faster. */
  async range(series: SeriesKey, since: number): Promise<HistoryPoint[]> {
    const state = this.redis?.state()
    if (this.redis && state?.connected && !state.writeError) {
      try {
        return await this.redis.range(series, since)
      } catch (error) {
        logger().debug('monitor: Redis read failed; serving memory', {
          error: (error as Error).message,
        })
      }
    }
    return this.rings.get(series)?.range(since) ?? []
  }

  /** Points of one series from memory only (for insights, which run every interval). */
  recent(series: SeriesKey, since: number): HistoryPoint[] {
    return this.rings.get(series)?.range(since) ?? []
  }

  /** The newest `n` points of one series from memory, oldest first. */
  tail(series: SeriesKey, n: number): HistoryPoint[] {
    return this.rings.get(series)?.tail(n) ?? []
  }

  /** Every series held in memory (including those loaded from Redis). */
  series(): SeriesKey[] {
    return [...this.rings.keys()]
  }

  /** `memory`, `connected` or `down`, and how many points wait for Redis. `connected` says the
   * connection is open, not that writes get through: `problem()` reports a Redis that stalls. */
  status(): { redis: 'memory' | 'connected' | 'down'; buffered: number } {
    if (!this.redis) return { redis: 'memory', buffered: 0 }
    const state = this.redis.state()
    return { redis: state.connected ? 'connected' : 'down', buffered: state.buffered }
  }

  /** A `/health` problem while Redis is down or not storing what is written to it, else null. */
  problem(): HealthProblem | null {
    const state = this.redis?.state()
    if (!state) return null
    if (state.connected && state.writeError) {
      return {
        kind: 'redis',
        name: 'redis',
        message:
          `Redis connected but not storing history (${state.writeError}); sampling continues ` +
          `in memory, ${state.buffered} points wait to be written`,
        since: new Date(state.failingSince ?? Date.now()).toISOString(),
      }
    }
    if (state.connected) return null
    return {
      kind: 'redis',
      name: 'redis',
      message:
        `Redis unreachable (${state.error ?? 'not connected yet'}); sampling continues in ` +
        `memory, ${state.buffered} points wait to be written`,
      since: new Date(state.downSince ?? Date.now()).toISOString(),
    }
  }

  /** Writes what waits for Redis (bounded by `timeoutMs`) and disconnects. True when nothing
   * was left unwritten. */
  async close(timeoutMs = 3000): Promise<boolean> {
    return (await this.redis?.close(timeoutMs)) ?? true
  }

  private *held(): Iterable<[SeriesKey, HistoryPoint[]]> {
    for (const [series, ring] of this.rings) yield [series, ring.range(Number.NEGATIVE_INFINITY)]
  }

  private ring(series: SeriesKey): Ring {
    let ring = this.rings.get(series)
    if (!ring) {
      ring = new Ring(this.options.maxHistorySize)
      this.rings.set(series, ring)
    }
    return ring
  }
}

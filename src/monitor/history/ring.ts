import type { HistoryPoint } from '../types.js'

/** Points a new ring has room for before it first grows. */
const INITIAL_ROOM = 64

/**
 * A bounded ring of time-ordered points for one series. Two typed arrays instead of an array
 * of objects, so a full ring of 10 000 points costs 160 kB and no garbage per sample. The
 * arrays start small and double until they reach the capacity, so a thousand short-lived
 * custom series do not reserve 160 MB up front.
 */
export class Ring {
  readonly capacity: number
  private times: Float64Array
  private values: Float64Array
  /** Index of the oldest point. */
  private head = 0
  private count = 0

  constructor(capacity: number) {
    this.capacity = capacity
    this.times = new Float64Array(Math.min(capacity, INITIAL_ROOM))
    this.values = new Float64Array(Math.min(capacity, INITIAL_ROOM))
  }

  get size(): number {
    return this.count
  }

  /** Appends a point, dropping the oldest when full. Points older than the newest are merged
   * into place, so the ring stays ordered by time (Redis can hand back older points). */
  push(t: number, v: number): void {
    const last = this.count ? this.timeAt(this.count - 1) : Number.NEGATIVE_INFINITY
    if (t < last) {
      this.merge([{ t, v }])
      return
    }
    if (this.count === this.times.length && this.count < this.capacity) this.grow(this.count * 2)
    const room = this.times.length
    const slot = (this.head + this.count) % room
    this.times[slot] = t
    this.values[slot] = v
    if (this.count < this.capacity) this.count++
    else this.head = (this.head + 1) % room
  }

  /** Merges points in any order; a time already held is kept once, with the merged value. */
  merge(points: HistoryPoint[]): void {
    const all = new Map<number, number>()
    for (const point of this.range(Number.NEGATIVE_INFINITY)) all.set(point.t, point.v)
    for (const point of points) all.set(point.t, point.v)
    const sorted = [...all].sort((a, b) => a[0] - b[0]).slice(-this.capacity)

    this.head = 0
    this.count = sorted.length
    if (this.times.length < this.count) this.grow(this.count)
    sorted.forEach(([t, v], i) => {
      this.times[i] = t
      this.values[i] = v
    })
  }

  /** Points with `t >= since` (epoch ms), oldest first. */
  range(since: number): HistoryPoint[] {
    const out: HistoryPoint[] = []
    for (let i = this.firstAtOrAfter(since); i < this.count; i++) {
      out.push({ t: this.timeAt(i), v: this.valueAt(i) })
    }
    return out
  }

  /** The newest `n` points, oldest first. */
  tail(n: number): HistoryPoint[] {
    const out: HistoryPoint[] = []
    for (let i = Math.max(0, this.count - n); i < this.count; i++) {
      out.push({ t: this.timeAt(i), v: this.valueAt(i) })
    }
    return out
  }

  /** The newest point, or null when empty. */
  last(): HistoryPoint | null {
    if (!this.count) return null
    return { t: this.timeAt(this.count - 1), v: this.valueAt(this.count - 1) }
  }

  private timeAt(i: number): number {
    return this.times[(this.head + i) % this.times.length] as number
  }

  private valueAt(i: number): number {
    return this.values[(this.head + i) % this.values.length] as number
  }

  /** Moves the points, oldest first, into arrays of room for `size` (at most the capacity). */
  private grow(size: number): void {
    const room = Math.min(this.capacity, Math.max(size, INITIAL_ROOM))
    const times = new Float64Array(room)
    const values = new Float64Array(room)
    for (let i = 0; i < this.count; i++) {
      times[i] = this.timeAt(i)
      values[i] = this.valueAt(i)
    }
    this.times = times
    this.values = values
    this.head = 0
  }

  /** Binary search: the logical index of the first point at or after `since`. */
  private firstAtOrAfter(since: number): number {
    let low = 0
    let high = this.count
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.timeAt(mid) < since) low = mid + 1
      else high = mid
    }
    return low
  }
}

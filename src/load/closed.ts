import { Engine } from './engine.js'
import type { Exchange } from './exchange.js'

/**
 * The closed model: `connections` virtual users, each sending its next request when the last
 * one ends (after `thinkTime`). The service's speed sets the pace, so a slow service is sent
 * fewer requests; latency is measured from each actual send only.
 */
export class ClosedEngine extends Engine {
  private active = 0
  /** Requests sent in the measured phase, for `iterations`. */
  private issued = 0

  protected begin(now: number) {
    for (let i = 0; i < this.scenario.connections; i++) {
      for (const exchange of this.openConnection().exchanges) this.next(exchange, now)
    }
  }

  protected inFlight(): number {
    return this.active
  }

  protected release(exchange: Exchange, now: number) {
    this.active--
    const think = this.scenario.thinkTimeMs
    if (think > 0 && !this.stopped) {
      setTimeout(() => this.next(exchange, performance.now()), think).unref()
      return
    }
    this.next(exchange, now)
  }

  private next(exchange: Exchange, now: number) {
    if (this.stopped) return
    if (this.draining) {
      if (this.active === 0) this.stop(null, false)
      return
    }
    const measured = now >= this.measureStart
    const iterations = this.scenario.iterations
    if (measured && iterations !== null) {
      if (this.issued >= iterations) {
        if (this.active === 0) this.stop(null, false)
        return
      }
      this.issued++
    }

    const request = this.source.get(this.index++)
    if (request === null) {
      this.invalidRequest(measured, now)
      // Yield before trying again, so a function that keeps failing cannot spin the loop.
      setImmediate(() => this.next(exchange, performance.now()))
      return
    }
    this.active++
    exchange.send(request, now, now, measured)
  }
}

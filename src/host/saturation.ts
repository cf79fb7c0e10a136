import type { LoopReading } from './event-loop.js'

/**
 * Above this share of time busy, the generator's event loop has no idle moment left: requests
 * wait in its own queue before they are sent and responses wait before they are timed, so the
 * latencies it records include its own queueing.
 */
export const SATURATION_UTILIZATION = 0.9

/**
 * A 99th-percentile loop delay above this means one timer callback in a hundred ran more than
 * 20 ms late: every request timed around then carries up to 20 ms that the service did not
 * spend. Below it, the delay is small next to the latencies HTTP objectives are written in.
 */
export const SATURATION_DELAY_P99_MS = 20

/**
 * Below this share of time busy, a loop that still runs late was not late because of its own
 * work: the process was waiting for a CPU.
 */
const STARVED_UTILIZATION = 0.5

/**
 * The saturation rule: the generator was saturated over a recording when its event loop was
 * busy more than 90% of the time, or its loop delay p99 was above 20 ms. Returns the reason in
 * plain words, naming the likely cause, or null when it was not saturated.
 */
export function saturationReason(loop: LoopReading): string | null {
  const reasons: string[] = []
  if (loop.utilization > SATURATION_UTILIZATION) {
    reasons.push(
      `its event loop was busy ${percent(loop.utilization)} of the time (limit ${percent(SATURATION_UTILIZATION)}), ` +
        'so requests waited in its own queue before being sent and timed',
    )
  }
  if (loop.delayP99Ms > SATURATION_DELAY_P99_MS) {
    const delay = `its event-loop delay p99 was ${loop.delayP99Ms.toFixed(1)} ms (limit ${SATURATION_DELAY_P99_MS} ms)`
    if (loop.utilization < STARVED_UTILIZATION) {
      reasons.push(
        `${delay} although its loop was busy only ${percent(loop.utilization)} of the time: ` +
          'the process was waiting for a CPU, so the machine is overloaded (other processes, or the service sharing its cores)',
      )
    } else if (reasons.length === 0) {
      reasons.push(`${delay}: long synchronous work in the generator's process delayed its timers`)
    } else {
      reasons.push(delay)
    }
  }
  if (reasons.length === 0) return null
  return (
    `The load generator was saturated: ${reasons.join('; and ')}. ` +
    'Its latency figures include time spent waiting in its own process; ' +
    'lower the load per process, use more workers or a quieter machine before trusting them.'
  )
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`
}

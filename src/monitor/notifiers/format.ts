import { formatValue } from '../alerts/rules/series.js'
import type { AlertNotification, AlertRecord } from '../alerts/types.js'

/** `FIRING`, `FIRING (reminder)` or `RESOLVED`: the word a notification starts with. */
export function stateWord(event: AlertNotification): string {
  if (event.type === 'alert_resolved') return 'RESOLVED'
  return event.repeat ? 'FIRING (reminder)' : 'FIRING'
}

/** `[FIRING P1 high] endpoint_latency: api p95 latency 412 ms over its budget of 300 ms`. */
export function headline(event: AlertNotification): string {
  const { alert } = event
  return `[${stateWord(event)} ${alert.priority} ${alert.severity}] ${alert.rule}: ${alert.summary}`
}

/** The measured value and the bound, as people read them. */
export function valueLine(alert: AlertRecord): { value: string; threshold: string } {
  return {
    value: formatValue(alert.value, alert.unit),
    threshold: alert.threshold === null ? 'n/a' : formatValue(alert.threshold, alert.unit),
  }
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

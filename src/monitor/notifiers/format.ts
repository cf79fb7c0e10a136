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

/** The measured value and the bound, as people read them (the bound in words if it has them). */
export function valueLine(alert: AlertRecord): { value: string; threshold: string } {
  let threshold = alert.thresholdText ?? 'n/a'
  if (alert.threshold !== null) threshold = formatValue(alert.threshold, alert.unit)
  return { value: formatValue(alert.value, alert.unit), threshold }
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

import { PerfConfigError } from '../../errors.js'
import type { AlertNotification, AlertRecord } from '../alerts/types.js'
import type { WebhookNotifierConfig } from '../types.js'
import { QueuedNotifier } from './queued.js'
import { requireUrl } from './slack.js'
import type { NotifierOptions } from './types.js'

/** The body of the generic webhook: the event as the monitor has it, plus when it was sent. */
export interface WebhookBody {
  /** Bumped when the body changes shape. */
  version: 1
  type: 'alert_fired' | 'alert_resolved'
  /** True for a reminder of a still-firing alert. */
  repeat: boolean
  alert: AlertRecord
  /** ISO 8601. */
  sentAt: string
}

/** The JSON body for one event. */
export function webhookBody(event: AlertNotification, now = new Date()): WebhookBody {
  return {
    version: 1,
    type: event.type,
    repeat: event.repeat,
    alert: event.alert,
    sentAt: now.toISOString(),
  }
}

/**
 * POSTs alert events as JSON to any URL. The URL and every header value are treated as
 * secrets (a token often rides in either).
 */
export function createWebhookNotifier(
  config: Omit<WebhookNotifierConfig, 'kind'> & NotifierOptions,
): QueuedNotifier {
  const { url, headers = {}, ...options } = config
  requireUrl(url, 'url')
  requireHeaders(headers)
  return new QueuedNotifier(
    {
      kind: 'webhook',
      url,
      secrets: [url, ...Object.values(headers)],
      build: event => ({ url, body: webhookBody(event), headers }),
    },
    options,
  )
}

/**
 * Header values must be strings, or every send fails. They are secrets (a bearer token), so a
 * mistake names the header and the kind of value, never the value.
 */
function requireHeaders(headers: unknown): void {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new PerfConfigError(
      'headers',
      `headers: got ${kindOf(headers)}; allowed: an object of header names to string values`,
    )
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') continue
    const option = `headers.${name}`
    throw new PerfConfigError(option, `${option}: got ${kindOf(value)}; allowed: a string`)
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`
}

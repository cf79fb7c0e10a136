import { hostname } from 'node:os'
import { invalidOption } from '../../errors.js'
import type { AlertNotification } from '../alerts/types.js'
import type { AlertSeverity, PagerDutyNotifierConfig } from '../types.js'
import { truncate } from './format.js'
import { QueuedNotifier } from './queued.js'
import { requireUrl } from './slack.js'
import type { NotifierOptions } from './types.js'

/** PagerDuty's Events API v2 endpoint, the default `url`. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue'

/** Our severities in PagerDuty's words. */
export const PAGERDUTY_SEVERITY: Record<AlertSeverity, 'critical' | 'error' | 'warning' | 'info'> =
  {
    critical: 'critical',
    high: 'error',
    medium: 'warning',
    low: 'info',
  }

/** An Events API v2 event: `trigger` with a payload, or `resolve` by `dedup_key`. */
export type PagerDutyEvent =
  | {
      routing_key: string
      event_action: 'trigger'
      dedup_key: string
      client: string
      payload: {
        summary: string
        source: string
        severity: 'critical' | 'error' | 'warning' | 'info'
        timestamp: string
        component?: string
        group: string
        class: string
        custom_details: Record<string, string | number | boolean | null>
      }
    }
  | { routing_key: string; event_action: 'resolve'; dedup_key: string }

/**
 * The event for one alert notification. The alert's fingerprint is the `dedup_key`, so a
 * trigger, its reminders and its resolve all land on one PagerDuty incident.
 */
export function pagerDutyEvent(
  event: AlertNotification,
  routingKey: string,
  source: string,
): PagerDutyEvent {
  const { alert } = event
  if (event.type === 'alert_resolved') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: alert.fingerprint }
  }

  const labels = Object.fromEntries(
    Object.entries(alert.labels).map(([name, value]) => [`label_${name}`, value]),
  )
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: alert.fingerprint,
    client: 'vitest-perf monitor',
    payload: {
      summary: truncate(`[${alert.priority}] ${alert.summary}`, 1024),
      source,
      severity: PAGERDUTY_SEVERITY[alert.severity],
      timestamp: alert.firedAt ?? alert.activeAt,
      component: alert.labels.component,
      group: alert.rule,
      class: alert.source,
      custom_details: {
        rule: alert.rule,
        priority: alert.priority,
        severity: alert.severity,
        value: alert.value,
        threshold: alert.threshold ?? alert.thresholdText ?? null,
        clear_threshold: alert.clearThreshold,
        unit: alert.unit,
        active_at: alert.activeAt,
        reminder: event.repeat,
        ...labels,
        ...alert.details,
      },
    },
  }
}

/** Sends alert events to PagerDuty's Events API v2 (the routing key is the secret). */
export function createPagerDutyNotifier(
  config: Omit<PagerDutyNotifierConfig, 'kind'> & NotifierOptions & { source?: string },
): QueuedNotifier {
  const { routingKey, url = PAGERDUTY_EVENTS_URL, source = hostname(), ...options } = config
  if (typeof routingKey !== 'string' || routingKey.trim().length < 4) {
    const given = typeof routingKey === 'string' ? 'a string shorter than 4 characters' : routingKey
    throw invalidOption('routingKey', given, 'allowed: the integration key of a PagerDuty service')
  }
  requireUrl(url, 'url')
  if (typeof source !== 'string' || !source.trim()) {
    throw invalidOption('source', source, "allowed: a non-empty string (default the host's name)")
  }
  return new QueuedNotifier(
    {
      kind: 'pagerduty',
      url,
      secrets: [routingKey],
      build: event => ({ url, body: pagerDutyEvent(event, routingKey, source) }),
    },
    options,
  )
}

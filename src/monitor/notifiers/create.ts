import { loadEnv } from '../../config/env.js'
import { invalidOption, underName } from '../../errors.js'
import { SEVERITIES } from '../alerts/types.js'
import type { AlertSeverity, NotifierConfig } from '../types.js'
import { createPagerDutyNotifier } from './pagerduty.js'
import { createSlackNotifier } from './slack.js'
import type { Notifier, NotifierOptions } from './types.js'
import { createWebhookNotifier } from './webhook.js'

/** A notifier config with the optional tuning every notifier takes. */
export type NotifierSetup = NotifierConfig & NotifierOptions & { source?: string }

/**
 * The variable each option of a setup came from, for the setups `notifiersFromEnv` builds:
 * an error in them names `SLACK_WEBHOOK_URL`, not `webhookUrl`, which the user never wrote.
 */
const envNames = new WeakMap<NotifierSetup, Record<string, string>>()

/** Builds one notifier from its config; throws `PerfConfigError` on a bad config. */
export function createNotifier(config: NotifierSetup): Notifier {
  const names = envNames.get(config)
  return underName(
    () => build(config),
    option => names?.[option],
  )
}

/**
 * Checks a notifier config the way `createNotifier` does, naming a mistake under `at`, where
 * the user wrote the config: `alerts.notifiers[0].webhookUrl`, not `webhookUrl`. A notifier
 * holds nothing open until it first sends, so the one built here is simply dropped.
 */
export function checkNotifier(config: NotifierSetup, at: string): void {
  underName(
    () => build(config),
    option => `${at}.${option}`,
  )
}

function build(config: NotifierSetup): Notifier {
  switch (config.kind) {
    case 'slack':
      return createSlackNotifier(config)
    case 'pagerduty':
      return createPagerDutyNotifier(config)
    case 'webhook':
      return createWebhookNotifier(config)
    default:
      throw invalidOption(
        'kind',
        (config as { kind?: unknown }).kind,
        "allowed: 'slack', 'pagerduty' or 'webhook'",
      )
  }
}

/** Builds every configured notifier, in order. */
export function createNotifiers(configs: readonly NotifierSetup[]): Notifier[] {
  return configs.map(createNotifier)
}

/**
 * Notifier configs from the environment (and `.env`), one per variable set:
 * - `SLACK_WEBHOOK_URL`: Slack incoming webhook; `SLACK_MIN_SEVERITY` (default `low`);
 * - `PAGERDUTY_ROUTING_KEY`: PagerDuty Events API v2 integration key; `PAGERDUTY_EVENTS_URL`
 *   overrides the endpoint; `PAGERDUTY_SOURCE` the event source (default the host name);
 *   `PAGERDUTY_MIN_SEVERITY` (default `low`);
 * - `ALERT_WEBHOOK_URL`: generic JSON webhook; `ALERT_WEBHOOK_TOKEN` is sent as
 *   `Authorization: Bearer <token>`; `ALERT_WEBHOOK_MIN_SEVERITY` (default `low`).
 * `ALERT_NOTIFY_TIMEOUT_MS` and `ALERT_NOTIFY_RETRIES` apply to all three.
 */
export function notifiersFromEnv(env?: Record<string, string | undefined>): NotifierSetup[] {
  if (env === undefined) loadEnv()
  const vars = env ?? process.env
  const get = (name: string) => vars[name]?.trim() || undefined
  const common: NotifierOptions = {
    timeoutMs: number(get('ALERT_NOTIFY_TIMEOUT_MS'), 'ALERT_NOTIFY_TIMEOUT_MS'),
    retries: number(get('ALERT_NOTIFY_RETRIES'), 'ALERT_NOTIFY_RETRIES'),
  }
  const setups: NotifierSetup[] = []

  const commonNames = {
    timeoutMs: 'ALERT_NOTIFY_TIMEOUT_MS',
    retries: 'ALERT_NOTIFY_RETRIES',
  }
  const add = (setup: NotifierSetup, names: Record<string, string>) => {
    envNames.set(setup, { ...commonNames, ...names })
    setups.push(setup)
  }

  const slack = get('SLACK_WEBHOOK_URL')
  if (slack) {
    add(
      {
        kind: 'slack',
        webhookUrl: slack,
        ...common,
        minSeverity: severity(get('SLACK_MIN_SEVERITY'), 'SLACK_MIN_SEVERITY', 'low'),
      },
      { webhookUrl: 'SLACK_WEBHOOK_URL' },
    )
  }

  const routingKey = get('PAGERDUTY_ROUTING_KEY')
  if (routingKey) {
    add(
      {
        kind: 'pagerduty',
        routingKey,
        url: get('PAGERDUTY_EVENTS_URL'),
        source: get('PAGERDUTY_SOURCE'),
        ...common,
        minSeverity: severity(get('PAGERDUTY_MIN_SEVERITY'), 'PAGERDUTY_MIN_SEVERITY', 'low'),
      },
      {
        routingKey: 'PAGERDUTY_ROUTING_KEY',
        url: 'PAGERDUTY_EVENTS_URL',
        source: 'PAGERDUTY_SOURCE',
      },
    )
  }

  const webhook = get('ALERT_WEBHOOK_URL')
  if (webhook) {
    const token = get('ALERT_WEBHOOK_TOKEN')
    add(
      {
        kind: 'webhook',
        url: webhook,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...common,
        minSeverity: severity(
          get('ALERT_WEBHOOK_MIN_SEVERITY'),
          'ALERT_WEBHOOK_MIN_SEVERITY',
          'low',
        ),
      },
      { url: 'ALERT_WEBHOOK_URL', headers: 'ALERT_WEBHOOK_TOKEN' },
    )
  }
  return setups
}

function severity(value: string | undefined, name: string, fallback: AlertSeverity) {
  if (value === undefined) return fallback
  const lower = value.toLowerCase() as AlertSeverity
  if (!SEVERITIES.includes(lower)) {
    throw invalidOption(name, value, `allowed: ${SEVERITIES.join(', ')}`)
  }
  return lower
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  // Plain decimals only: Number() would read 0x10 as 16 and an empty string as 0.
  if (!/^\d+(?:\.\d+)?$/.test(value)) {
    throw invalidOption(name, value, 'allowed: a decimal number, 0 or more')
  }
  return Number(value)
}

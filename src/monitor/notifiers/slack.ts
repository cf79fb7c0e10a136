import { invalidOption } from '../../errors.js'
import type { AlertNotification } from '../alerts/types.js'
import type { SlackNotifierConfig } from '../types.js'
import { headline, stateWord, truncate, valueLine } from './format.js'
import { QueuedNotifier } from './queued.js'
import type { NotifierOptions } from './types.js'

/** A Slack message: `text` (the notification and fallback line) and Block Kit `blocks`. */
export interface SlackMessage {
  text: string
  blocks: SlackBlock[]
}

/** The Block Kit blocks this notifier sends. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'section'; fields: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }

/**
 * The message for one event: a header with the state, priority and rule; the summary; fields
 * for severity, value, threshold, the labels and times; a context line with the fingerprint.
 * Text from alerts is escaped for Slack (`&`, `<`, `>`), so a label cannot inject a link or
 * a mention.
 */
export function slackMessage(event: AlertNotification): SlackMessage {
  const { alert } = event
  const { value, threshold } = valueLine(alert)
  const labels = Object.entries(alert.labels)
    .filter(([name]) => name !== 'alertname')
    .map(([name, text]) => `${name}=${text}`)
    .join(', ')
  const when =
    event.type === 'alert_resolved'
      ? `*Resolved*\n${alert.resolvedAt ?? ''}`
      : `*Firing since*\n${alert.firedAt ?? alert.activeAt}`

  const fields = [
    `*Severity*\n${alert.severity} (${alert.priority})`,
    `*Value*\n${value}`,
    `*Threshold*\n${threshold}`,
    when,
  ]
  if (labels) fields.push(`*Labels*\n${labels}`)

  return {
    text: escapeSlack(truncate(headline(event), 3000)),
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: truncate(`${stateWord(event)} ${alert.priority}: ${alert.rule}`, 150),
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: escapeSlack(truncate(alert.summary, 3000)) },
      },
      {
        type: 'section',
        fields: fields.map(text => ({ type: 'mrkdwn', text: escapeSlack(truncate(text, 2000)) })),
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: escapeSlack(`fingerprint ${alert.fingerprint} · source ${alert.source}`),
          },
        ],
      },
    ],
  }
}

/** Slack's three control characters in message text. */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

/** Posts alert events to a Slack incoming webhook (the URL is the secret). */
export function createSlackNotifier(
  config: Omit<SlackNotifierConfig, 'kind'> & NotifierOptions,
): QueuedNotifier {
  const { webhookUrl, ...options } = config
  requireUrl(webhookUrl, 'webhookUrl')
  return new QueuedNotifier(
    {
      kind: 'slack',
      url: webhookUrl,
      secrets: [webhookUrl],
      build: event => ({ url: webhookUrl, body: slackMessage(event) }),
    },
    options,
  )
}

/** Throws a `PerfConfigError` unless `url` is an http(s) URL; never quotes the URL itself. */
export function requireUrl(url: unknown, option: string): void {
  let ok = false
  try {
    ok = typeof url === 'string' && /^https?:$/.test(new URL(url).protocol)
  } catch {
    ok = false
  }
  if (!ok) {
    const given = typeof url === 'string' ? 'a string that is not an http(s) URL' : url
    throw invalidOption(option, given, 'allowed: an http:// or https:// URL')
  }
}

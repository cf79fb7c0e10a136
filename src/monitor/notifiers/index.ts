export type { NotifierSetup } from './create.js'
export { checkNotifier, createNotifier, createNotifiers, notifiersFromEnv } from './create.js'
export type { PagerDutyEvent } from './pagerduty.js'
export {
  createPagerDutyNotifier,
  PAGERDUTY_EVENTS_URL,
  PAGERDUTY_SEVERITY,
  pagerDutyEvent,
} from './pagerduty.js'
export type { DeliverySpec, OutgoingRequest } from './queued.js'
export { NOTIFIER_DEFAULTS, parseRetryAfter, QueuedNotifier } from './queued.js'
export { describeTarget, REDACTED, redactor } from './redact.js'
export type { SlackBlock, SlackMessage } from './slack.js'
export { createSlackNotifier, escapeSlack, slackMessage } from './slack.js'
export type { Notifier, NotifierKind, NotifierOptions, NotifierStatus } from './types.js'
export type { WebhookBody } from './webhook.js'
export { createWebhookNotifier, webhookBody } from './webhook.js'

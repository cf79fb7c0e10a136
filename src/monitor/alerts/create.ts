import { createNotifiers, notifiersFromEnv } from '../notifiers/create.js'
import type { AlertManagerOptions } from './config.js'
import { resolveAlertConfig } from './config.js'
import { AlertManager } from './manager.js'
import { buildRules } from './rules/build.js'

/**
 * Builds the monitor's alert manager from its options (a `ResolvedMonitorOptions` fits):
 * validates the alert options (throws `PerfConfigError` before anything runs), compiles the
 * built-in and configured rules, and creates the notifiers: `notifierInstances` if given, else
 * `alerts.notifiers`, else those the environment configures (`SLACK_WEBHOOK_URL`,
 * `PAGERDUTY_ROUTING_KEY`, `ALERT_WEBHOOK_URL`; see `notifiersFromEnv`). A pending alert may
 * fire half an interval before its `for`, so timing jitter cannot add a whole interval to it.
 */
export function createAlertManager(options: AlertManagerOptions = {}): AlertManager {
  const config = resolveAlertConfig(options)
  const configured = options.alerts?.notifiers ?? []
  const notifiers =
    options.notifierInstances ??
    createNotifiers(configured.length > 0 ? configured : notifiersFromEnv(options.env))

  return new AlertManager({
    checks: buildRules(config),
    notifiers,
    clock: options.clock,
    forToleranceMs: config.intervalMs / 2,
  })
}

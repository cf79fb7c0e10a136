import { describe, invalidOption, PerfConfigError } from '../../errors.js'
import { didYouMean, rejectUnknown } from '../../load/suggest.js'
import { validateLevels } from '../../slo/levels.js'
import type { LevelThresholds } from '../../types.js'
import type { NotifierSetup } from '../notifiers/create.js'
import { checkNotifier } from '../notifiers/create.js'
import type { Notifier } from '../notifiers/types.js'
import type { AlertOptions, AlertRule, AlertSeverity, LeveledResource } from '../types.js'
import { ENDPOINT_METRICS, HOST_METRICS } from '../types.js'
import { SEVERITIES } from './types.js'

/**
 * How the built-in rules judge, beyond what `AlertOptions` says. Every field has a default,
 * named in its doc; the defaults are the documented behaviour of the monitor's alerts.
 */
export interface RuleTuning {
  /** A latency alert resolves once the value is at or below this share of its budget; 0.9. */
  latencyClearRatio?: number
  /** A resource alert resolves once the value is this many percent points below its level; 5. */
  resourceHysteresis?: number
  /** Endpoints without an availability objective: error rate (percent) that fires; 10. */
  errorRateAbove?: number
  /** ...and the error rate (percent) at or below which it resolves; 5. */
  errorRateClear?: number
  /** An `endpoint_down` alert resolves once availability is back at or above this; 50. */
  downClearAvailability?: number
  /** Raise `anomaly` alerts (low) from the insights' anomalies; true. */
  anomalies?: boolean
  /** An anomaly counts while it is at most this old, ms; default three intervals. */
  anomalyWindowMs?: number
  /** Raise `predicted_breach` alerts (low) from the predictions; true. */
  predictions?: boolean
}

/**
 * Options of `createAlertManager`. A `ResolvedMonitorOptions` fits as is (the monitor core
 * passes its own); the fields after `alerts` are the alerting side's extras.
 */
export interface AlertManagerOptions {
  /** The sampling interval, ms; sets the default `for` (two intervals). Default 30000. */
  intervalMs?: number
  /** Level bands of host resources, percent; default the library's `defaultLevels`. */
  levels?: Partial<Record<LeveledResource, LevelThresholds>>
  /** Rules, `for`, repeat interval and notifier configs (the monitor's `alerts` option). */
  alerts?: AlertOptions
  /** The endpoints probed: a rule's `component` must be `host`, `custom` or one of their names.
   * Without them any other component is taken for an endpoint's name, and only its metric is
   * checked. A `ResolvedMonitorOptions` carries them. */
  endpoints?: readonly { name: string }[]
  /** The clock, epoch ms; default `Date.now`. */
  clock?: () => number
  /** Notifier instances to use instead of building them from `alerts.notifiers` or the env. */
  notifierInstances?: Notifier[]
  /** Where `notifiersFromEnv` reads when `alerts.notifiers` is empty; default `process.env`.
   * Pass `{}` to use no notifier from the environment. */
  env?: Record<string, string | undefined>
  tuning?: RuleTuning
}

/** The options after defaults and validation: what the rule builders read. */
export interface AlertConfig {
  intervalMs: number
  levels: Record<LeveledResource, LevelThresholds>
  defaultRules: boolean
  forMs: number
  repeatIntervalMs: number
  rules: AlertRule[]
  tuning: Required<RuleTuning>
}

/** Names the built-in rules take; a configured rule may not reuse them. */
export const BUILT_IN_RULES = [
  'endpoint_down',
  'endpoint_latency',
  'endpoint_availability',
  'endpoint_error_rate',
  'host_resource_warning',
  'host_resource_critical',
  'host_disk_critical',
  'anomaly',
  'predicted_breach',
] as const

const FOUR_HOURS_MS = 4 * 60 * 60 * 1000

const ALERT_KEYS = ['rules', 'defaultRules', 'forMs', 'repeatIntervalMs', 'notifiers'] as const
const RULE_KEYS = [
  'name',
  'severity',
  'component',
  'metric',
  'comparator',
  'threshold',
  'clearThreshold',
  'forMs',
  'summary',
] as const
const TUNING_KEYS = [
  'latencyClearRatio',
  'resourceHysteresis',
  'errorRateAbove',
  'errorRateClear',
  'downClearAvailability',
  'anomalies',
  'anomalyWindowMs',
  'predictions',
] as const
const NOTIFIER_KINDS = ['slack', 'pagerduty', 'webhook'] as const
/** What every notifier takes beside its kind's own keys (`NotifierOptions`). */
const NOTIFIER_OPTION_KEYS = [
  'kind',
  'name',
  'minSeverity',
  'timeoutMs',
  'retries',
  'backoffMs',
  'maxBackoffMs',
  'maxRetryAfterMs',
  'queueSize',
] as const
const NOTIFIER_KEYS: Record<(typeof NOTIFIER_KINDS)[number], readonly string[]> = {
  slack: ['webhookUrl', ...NOTIFIER_OPTION_KEYS],
  pagerduty: ['routingKey', 'url', 'source', ...NOTIFIER_OPTION_KEYS],
  webhook: ['url', 'headers', ...NOTIFIER_OPTION_KEYS],
}

/**
 * Fills defaults and checks every alert option before any rule runs. Throws
 * `PerfConfigError` naming the option (`alerts.rules[1].comparator`), the value and what is
 * allowed.
 */
export function resolveAlertConfig(options: AlertManagerOptions = {}): AlertConfig {
  const intervalMs = options.intervalMs ?? 30_000
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw invalidOption('intervalMs', intervalMs, 'allowed: a number of ms greater than 0')
  }
  const alerts = options.alerts ?? {}
  if (alerts === null || typeof alerts !== 'object' || Array.isArray(alerts)) {
    throw invalidOption('alerts', alerts, 'allowed: { rules?, defaultRules?, forMs?, ... }')
  }
  rejectUnknownKeys(alerts, ALERT_KEYS, 'alerts')
  checkNotifiers(alerts.notifiers ?? [])
  const forMs = nonNegative(alerts.forMs ?? 2 * intervalMs, 'alerts.forMs')
  const repeatIntervalMs = nonNegative(
    alerts.repeatIntervalMs ?? FOUR_HOURS_MS,
    'alerts.repeatIntervalMs',
  )

  return {
    intervalMs,
    levels: validateLevels(options.levels ?? {}, 'levels'),
    defaultRules: alerts.defaultRules ?? true,
    forMs,
    repeatIntervalMs,
    rules: validateRules(alerts.rules ?? [], forMs, options.endpoints),
    tuning: resolveTuning(options.tuning ?? {}, intervalMs),
  }
}

/**
 * Throws `PerfConfigError` for the first key of `value` not in `known`, naming its full path
 * (`alerts.rules[0].treshold`) and the nearest known name when one is close enough to be a
 * typo: a misspelt option would otherwise be ignored and its default used in silence.
 */
export function rejectUnknownKeys(value: object, known: readonly string[], at: string): void {
  rejectUnknown(value, known, at ? `${at}.` : '')
}

/**
 * Checks each notifier config: its kind and keys here, then its values as `createNotifier`
 * checks them (URLs, keys, durations, retries), every mistake named under its path
 * (`alerts.notifiers[0].webhookUrl`).
 */
function checkNotifiers(notifiers: unknown): void {
  if (!Array.isArray(notifiers)) {
    throw invalidOption('alerts.notifiers', notifiers, 'allowed: an array of notifier configs')
  }
  notifiers.forEach((notifier: unknown, index) => {
    const at = `alerts.notifiers[${index}]`
    if (notifier === null || typeof notifier !== 'object' || Array.isArray(notifier)) {
      throw invalidOption(at, notifier, "allowed: { kind: 'slack' | 'pagerduty' | 'webhook', ... }")
    }
    const config = notifier as Record<string, unknown>
    const kind = config.kind as (typeof NOTIFIER_KINDS)[number]
    if (!NOTIFIER_KINDS.includes(kind)) {
      throw invalidOption(
        `${at}.kind`,
        kind,
        `${typeof kind === 'string' ? didYouMean(kind, NOTIFIER_KINDS) : ''}allowed: ${NOTIFIER_KINDS.join(', ')}`,
      )
    }
    rejectUnknownKeys(config, NOTIFIER_KEYS[kind], at)
    checkNotifier(config as unknown as NotifierSetup, at)
  })
}

function resolveTuning(tuning: RuleTuning, intervalMs: number): Required<RuleTuning> {
  rejectUnknownKeys(tuning, TUNING_KEYS, 'tuning')
  const resolved: Required<RuleTuning> = {
    latencyClearRatio: tuning.latencyClearRatio ?? 0.9,
    resourceHysteresis: tuning.resourceHysteresis ?? 5,
    errorRateAbove: tuning.errorRateAbove ?? 10,
    errorRateClear: tuning.errorRateClear ?? 5,
    downClearAvailability: tuning.downClearAvailability ?? 50,
    anomalies: tuning.anomalies ?? true,
    anomalyWindowMs: tuning.anomalyWindowMs ?? 3 * intervalMs,
    predictions: tuning.predictions ?? true,
  }
  const ratio = resolved.latencyClearRatio
  if (!(ratio > 0 && ratio <= 1)) {
    throw invalidOption('tuning.latencyClearRatio', ratio, 'allowed: a ratio in (0, 1]')
  }
  for (const key of ['resourceHysteresis', 'errorRateAbove', 'errorRateClear'] as const) {
    percent(resolved[key], `tuning.${key}`)
  }
  percent(resolved.downClearAvailability, 'tuning.downClearAvailability')
  if (resolved.errorRateClear > resolved.errorRateAbove) {
    throw invalidOption(
      'tuning.errorRateClear',
      resolved.errorRateClear,
      `allowed: a percent at or below tuning.errorRateAbove (${resolved.errorRateAbove})`,
    )
  }
  nonNegative(resolved.anomalyWindowMs, 'tuning.anomalyWindowMs')
  return resolved
}

function validateRules(
  rules: AlertRule[],
  forMs: number,
  endpoints: readonly { name: string }[] | undefined,
): AlertRule[] {
  if (!Array.isArray(rules)) throw invalidOption('alerts.rules', rules, 'allowed: an array')
  const names = new Set<string>()

  return rules.map((rule, index) => {
    const at = `alerts.rules[${index}]`
    if (rule === null || typeof rule !== 'object') {
      throw invalidOption(at, rule, 'allowed: { name, severity, component, metric, ... }')
    }
    rejectUnknownKeys(rule, RULE_KEYS, at)
    text(rule.name, `${at}.name`)
    if ((BUILT_IN_RULES as readonly string[]).includes(rule.name) || names.has(rule.name)) {
      throw new PerfConfigError(
        `${at}.name`,
        `${at}.name: got ${describe(rule.name)}; rule names must be unique and not one of ` +
          `the built-in rules (${BUILT_IN_RULES.join(', ')})`,
      )
    }
    names.add(rule.name)
    if (!SEVERITIES.includes(rule.severity as AlertSeverity)) {
      throw invalidOption(`${at}.severity`, rule.severity, `allowed: ${SEVERITIES.join(', ')}`)
    }
    text(rule.component, `${at}.component`)
    text(rule.metric, `${at}.metric`)
    checkSeries(rule, at, endpoints)
    if (rule.comparator !== '>' && rule.comparator !== '<') {
      throw invalidOption(`${at}.comparator`, rule.comparator, "allowed: '>' or '<'")
    }
    if (typeof rule.threshold !== 'number' || !Number.isFinite(rule.threshold)) {
      throw invalidOption(`${at}.threshold`, rule.threshold, 'allowed: a finite number')
    }

    const clearThreshold = rule.clearThreshold ?? defaultClear(rule.threshold, rule.comparator)
    const safeSide =
      rule.comparator === '>' ? clearThreshold <= rule.threshold : clearThreshold >= rule.threshold
    if (!Number.isFinite(clearThreshold) || !safeSide) {
      const side = rule.comparator === '>' ? 'at or below' : 'at or above'
      throw invalidOption(
        `${at}.clearThreshold`,
        rule.clearThreshold,
        `allowed: a finite number ${side} the threshold (${rule.threshold})`,
      )
    }
    const ruleFor = nonNegative(rule.forMs ?? forMs, `${at}.forMs`)
    return { ...rule, clearThreshold, forMs: ruleFor }
  })
}

/**
 * A rule on a series the monitor does not keep would never fire, so its component must be
 * `host`, `custom` or an endpoint's name, and its metric one that series has: the names
 * `/api/metrics/historical/{component}/{metric}` takes. Custom metrics are named by the
 * collectors, which `addCollector` may add after the start: `checkCustomMetrics` is for a
 * caller that knows them all.
 */
function checkSeries(
  rule: AlertRule,
  at: string,
  endpoints: readonly { name: string }[] | undefined,
): void {
  const { component, metric } = rule
  if (component === 'custom') return
  const names = endpoints?.map(endpoint => endpoint.name)
  if (names && component !== 'host' && !names.includes(component)) {
    const allowed = ['host', 'custom', ...names]
    const none = names.length ? '' : ' (no endpoints are configured)'
    throw invalidOption(
      `${at}.component`,
      component,
      `${didYouMean(component, allowed)}allowed: ${allowed.join(', ')}${none}`,
    )
  }
  const metrics: readonly string[] = component === 'host' ? HOST_METRICS : ENDPOINT_METRICS
  if (!metrics.includes(metric)) {
    const series = component === 'host' ? 'host' : `endpoint ${component}`
    throw invalidOption(
      `${at}.metric`,
      metric,
      `${didYouMean(metric, metrics)}allowed for ${series}: ${metrics.join(', ')}`,
    )
  }
}

/**
 * Checks the metric of each `custom` rule against the collectors, for a caller that knows
 * every collector before the start: the CLI, whose config's `collectors` are all it runs. A
 * collector returning an object gives `<collector>.<key>` metrics whose keys are known only
 * once it has run, so any key of a known collector is taken.
 */
export function checkCustomMetrics(
  rules: readonly AlertRule[],
  collectors: readonly string[],
): void {
  rules.forEach((rule, index) => {
    if (rule.component !== 'custom') return
    const { metric } = rule
    if (collectors.some(name => metric === name || metric.startsWith(`${name}.`))) return
    const at = `alerts.rules[${index}].metric`
    if (!collectors.length) {
      throw invalidOption(
        at,
        metric,
        'allowed: a collector name, and no collectors are configured (a .js, .mjs or .ts ' +
          'config adds them under collectors)',
      )
    }
    throw invalidOption(
      at,
      metric,
      `${didYouMean(metric, collectors)}allowed for custom: ${collectors.join(', ')}, or ` +
        '<collector>.<key> for a collector returning an object',
    )
  })
}

/** 10% of the threshold on the safe side: below it for `>`, above it for `<`. */
function defaultClear(threshold: number, comparator: '>' | '<'): number {
  const band = Math.abs(threshold) * 0.1
  return comparator === '>' ? threshold - band : threshold + band
}

function nonNegative(value: number, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(option, value, 'allowed: a number of ms, 0 or more')
  }
  return value
}

function percent(value: number, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw invalidOption(option, value, 'allowed: a percent from 0 to 100')
  }
  return value
}

function text(value: unknown, option: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidOption(option, value, 'allowed: a non-empty string')
  }
}

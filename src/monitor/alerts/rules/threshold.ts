import type { AlertRule } from '../../types.js'
import type { AlertCheck } from '../types.js'

import { formatValue, seriesUnit, seriesValue } from './series.js'

/**
 * A configured threshold rule on one series (`AlertOptions.rules`): fires when the value is
 * above (`>`) or below (`<`) `threshold` for `forMs`, resolves once it is back past
 * `clearThreshold` (validated and defaulted by `resolveAlertConfig`). `summary` may use
 * `{value}`, `{threshold}` and `{state}`, the value's side of the threshold in words, so one
 * template reads right when the alert fires and when it resolves (see `stateWords`).
 */
export function thresholdCheck(rule: AlertRule, repeatIntervalMs: number): AlertCheck {
  const above = rule.comparator === '>'
  const clearThreshold = rule.clearThreshold ?? rule.threshold
  const unit = seriesUnit(rule.metric)

  return {
    name: rule.name,
    severity: rule.severity,
    source: 'threshold',
    forMs: rule.forMs ?? 0,
    repeatIntervalMs,
    check: ({ snapshot }) => {
      const value = seriesValue(snapshot, rule)
      const breaching = value !== null && (above ? value > rule.threshold : value < rule.threshold)
      const clear = value !== null && (above ? value <= clearThreshold : value >= clearThreshold)
      const template =
        rule.summary ?? `${rule.component}/${rule.metric} {value} {state} {threshold}`
      return [
        {
          labels: { component: rule.component, metric: rule.metric },
          value,
          threshold: rule.threshold,
          clearThreshold,
          unit,
          breaching,
          clear,
          summary: template
            .replaceAll('{value}', formatValue(value, unit))
            .replaceAll('{threshold}', formatValue(rule.threshold, unit))
            .replaceAll('{state}', stateWords(value, rule.threshold, above)),
        },
      ]
    },
  }
}

/**
 * Where the value sits against the threshold, as `{state}` reads: `above` or `back below` for
 * a `>` rule, `below` or `back above` for a `<` rule, `at` on it, `not measured against` when
 * the value is missing. It follows the value, not the alert: a resolve reads `back below`.
 */
function stateWords(value: number | null, threshold: number, above: boolean): string {
  if (value === null) return 'not measured against'
  if (value === threshold) return 'at'
  const over = value > threshold
  if (above) return over ? 'above' : 'back below'
  return over ? 'back above' : 'below'
}

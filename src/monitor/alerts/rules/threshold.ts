import type { AlertRule } from '../../types.js'
import type { AlertCheck } from '../types.js'

import { formatValue, seriesUnit, seriesValue } from './series.js'

/**
 * A configured threshold rule on one series (`AlertOptions.rules`): fires when the value is
 * above (`>`) or below (`<`) `threshold` for `forMs`, resolves once it is back past
 * `clearThreshold` (validated and defaulted by `resolveAlertConfig`). `summary` may use
 * `{value}` and `{threshold}`.
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
        rule.summary ??
        `${rule.component}/${rule.metric} {value} ${above ? 'above' : 'below'} {threshold}`
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
            .replaceAll('{threshold}', formatValue(rule.threshold, unit)),
        },
      ]
    },
  }
}

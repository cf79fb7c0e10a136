import type { Prediction } from '../../types.js'
import type { AlertConfig } from '../config.js'
import type { AlertCheck, AlertObservation } from '../types.js'

import { formatValue, seriesUnit, seriesValue, snapshotSeries } from './series.js'

/**
 * A firing `predicted_breach` resolves once the trend no longer reaches the threshold within
 * this many horizons (or no longer moves towards it). A trend whose crossing sits near the
 * horizon would otherwise fire and resolve on alternate intervals.
 */
const CLEAR_HORIZONS = 2

/**
 * Rules from the insights the monitor computes each interval (INSIGHTS' functions):
 * - `anomaly` (low, P3, no `for`): a series had an anomaly within `tuning.anomalyWindowMs`
 *   (three intervals); resolves once none is that recent. One alert per series, however many
 *   points were anomalous.
 * - `predicted_breach` (low, P3): the forecast crosses the series' threshold (objective or
 *   warning level) within the prediction horizon (`Prediction.breachExpected`); resolves once
 *   the trend no longer reaches the threshold within `CLEAR_HORIZONS` horizons.
 */
export function insightChecks(config: AlertConfig): AlertCheck[] {
  const { forMs, repeatIntervalMs, tuning } = config
  const checks: AlertCheck[] = []

  if (tuning.anomalies) {
    checks.push({
      name: 'anomaly',
      severity: 'low',
      source: 'anomaly',
      forMs: 0,
      repeatIntervalMs,
      check: ({ snapshot, insights }, now) => {
        const since = now - tuning.anomalyWindowMs
        const recent = insights.anomalies.filter(a => a.at >= since && a.at <= now)
        const series = snapshotSeries(snapshot)
        for (const anomaly of recent) {
          if (!series.some(s => s.component === anomaly.component && s.metric === anomaly.metric)) {
            series.push({ component: anomaly.component, metric: anomaly.metric })
          }
        }

        return series.map((ref): AlertObservation => {
          const found = recent.filter(a => a.component === ref.component && a.metric === ref.metric)
          const worst = found.sort((a, b) => Math.abs(b.score) - Math.abs(a.score))[0]
          const unit = seriesUnit(ref.metric)
          return {
            labels: { component: ref.component, metric: ref.metric },
            value: worst ? worst.value : seriesValue(snapshot, ref),
            threshold: null,
            clearThreshold: null,
            unit,
            breaching: worst !== undefined,
            clear: worst === undefined,
            summary: worst
              ? `anomaly in ${ref.component}/${ref.metric}: ${worst.reason}`
              : `${ref.component}/${ref.metric} back to normal`,
            details: worst
              ? {
                  method: worst.method,
                  score: Number(worst.score.toFixed(2)),
                  at: new Date(worst.at).toISOString(),
                  anomalies: found.length,
                }
              : undefined,
          }
        })
      },
    })
  }

  if (tuning.predictions) {
    checks.push({
      name: 'predicted_breach',
      severity: 'low',
      source: 'prediction',
      forMs,
      repeatIntervalMs,
      check: ({ predictions }) =>
        predictions.predictions
          .filter(p => p.threshold !== null)
          .map(p => predictionObservation(p, predictions.horizonMinutes)),
    })
  }
  return checks
}

function predictionObservation(p: Prediction, horizonMinutes: number): AlertObservation {
  const minutes = p.minutesToThreshold
  const threshold = formatValue(p.threshold, p.unit)
  const now = formatValue(p.current, p.unit)
  const clear = !p.breachExpected && (minutes === null || minutes > CLEAR_HORIZONS * horizonMinutes)

  let summary = `${p.component}/${p.metric} is not predicted to cross its threshold`
  if (p.breachExpected) {
    const when = minutes === null ? '' : ` in about ${Math.max(1, Math.round(minutes))} min`
    summary =
      `${p.component}/${p.metric} is predicted to cross ${threshold}${when} ` +
      `(now ${now}, ${p.method})`
  } else if (minutes === 0) {
    summary = `${p.component}/${p.metric} is past ${threshold} (now ${now})`
  } else if (!clear && minutes !== null) {
    summary =
      `${p.component}/${p.metric} trends towards ${threshold}, reaching it in about ` +
      `${Math.round(minutes)} min, beyond the ${horizonMinutes} min horizon (now ${now})`
  }

  return {
    labels: { component: p.component, metric: p.metric },
    value: p.predicted ?? p.current,
    threshold: p.threshold,
    clearThreshold: p.threshold,
    unit: p.unit,
    breaching: p.breachExpected,
    clear,
    summary,
    details: {
      current: p.current,
      predicted: p.predicted,
      minutes_to_threshold: minutes,
      horizon_minutes: horizonMinutes,
      method: p.method,
    },
  }
}

import type { EndpointSnapshot } from '../../types.js'
import type { AlertConfig } from '../config.js'
import type { AlertCheck, AlertObservation } from '../types.js'

import { formatValue } from './series.js'

const LATENCY = ['p50', 'p95', 'p99'] as const

/**
 * Rules from each endpoint's objectives and probe outcome:
 * - `endpoint_down` (critical, P0): no probe request succeeded (or the probe failed);
 *   resolves once availability is back at `tuning.downClearAvailability` (50%).
 * - `endpoint_latency` (high, P1): p50/p95/p99 over its budget; resolves at or below
 *   `latencyClearRatio` (0.9) of the budget.
 * - `endpoint_availability` (high, P1): availability under its objective; resolves once it is
 *   back above the objective by half the remaining headroom (99 → 99.5, 90 → 95).
 * - `endpoint_error_rate` (high, P1), endpoints without an availability objective: error
 *   rate over `errorRateAbove` (10%); resolves at or below `errorRateClear` (5%).
 * A fully down endpoint (nothing succeeded) raises `endpoint_down` only: the availability and
 * error-rate alerts do not start then (one that already fires keeps firing until it clears).
 */
export function objectiveChecks(config: AlertConfig): AlertCheck[] {
  const { forMs, repeatIntervalMs, tuning } = config
  const base = { source: 'objective' as const, forMs, repeatIntervalMs }

  return [
    {
      ...base,
      name: 'endpoint_down',
      severity: 'critical',
      check: ({ snapshot }) => snapshot.endpoints.map(e => down(e, tuning.downClearAvailability)),
    },
    {
      ...base,
      name: 'endpoint_latency',
      severity: 'high',
      check: ({ snapshot }) =>
        snapshot.endpoints.flatMap(e => latency(e, tuning.latencyClearRatio)),
    },
    {
      ...base,
      name: 'endpoint_availability',
      severity: 'high',
      check: ({ snapshot }) => snapshot.endpoints.flatMap(availability),
    },
    {
      ...base,
      name: 'endpoint_error_rate',
      severity: 'high',
      check: ({ snapshot }) =>
        snapshot.endpoints.flatMap(e => errorRate(e, tuning.errorRateAbove, tuning.errorRateClear)),
    },
  ]
}

/**
 * Down has no numeric bound: it fires when not one probe request succeeds. Its threshold is
 * null, so no "0% / 0%" shows beside the value, and `thresholdText` says the bound in words.
 */
function down(endpoint: EndpointSnapshot, clearAt: number): AlertObservation {
  const value = endpoint.availability ?? (endpoint.probeError ? 0 : null)
  const breaching = value !== null && value <= 0
  const cause = endpoint.probeError ?? describeFailures(endpoint)
  const availability = `${endpoint.name} availability ${formatValue(value, '%')}`
  let summary = availability
  if (breaching) {
    summary = `${endpoint.name} is unavailable: ${endpoint.method} ${endpoint.url} ${cause}`
  } else if (value !== null) {
    summary =
      value < clearAt
        ? `${availability}, under the ${clearAt}% it must reach to resolve`
        : `${availability}: back at or above ${clearAt}%`
  }

  return {
    labels: { component: endpoint.name, metric: 'availability' },
    value,
    threshold: null,
    thresholdText: 'any success',
    clearThreshold: clearAt,
    unit: '%',
    breaching,
    clear: value !== null && value >= clearAt,
    summary,
    details: detailsOf(endpoint),
  }
}

function latency(endpoint: EndpointSnapshot, clearRatio: number): AlertObservation[] {
  const observations: AlertObservation[] = []
  for (const metric of LATENCY) {
    const budget = endpoint.objectives[metric]
    if (budget === undefined) continue
    const value = endpoint[metric]
    const clearThreshold = budget * clearRatio
    observations.push({
      labels: { component: endpoint.name, metric },
      value,
      threshold: budget,
      clearThreshold,
      unit: 'ms',
      breaching: value !== null && value > budget,
      clear: value !== null && value <= clearThreshold,
      summary:
        `${endpoint.name} ${metric} latency ${formatValue(value, 'ms')} ` +
        `${value !== null && value > budget ? 'over' : 'within'} its budget of ${budget} ms`,
      details: detailsOf(endpoint),
    })
  }
  return observations
}

function availability(endpoint: EndpointSnapshot): AlertObservation[] {
  const floor = endpoint.objectives.availability
  if (floor === undefined) return []
  const value = endpoint.availability
  const clearThreshold = 100 - (100 - floor) / 2
  // A fully down endpoint raises `endpoint_down` alone; this alert would only repeat it.
  const breaching = value !== null && value > 0 && value < floor
  return [
    {
      labels: { component: endpoint.name, metric: 'availability' },
      value,
      threshold: floor,
      clearThreshold,
      unit: '%',
      breaching,
      clear: value !== null && value >= clearThreshold,
      // The words follow the value, not `breaching`: at 0% this alert keeps firing (down
      // took over) and must not read "meets its objective".
      summary:
        `${endpoint.name} availability ${formatValue(value, '%')} ` +
        `${value !== null && value < floor ? 'under' : 'meets'} its objective of ${floor}%`,
      details: detailsOf(endpoint),
    },
  ]
}

function errorRate(endpoint: EndpointSnapshot, above: number, clearAt: number): AlertObservation[] {
  if (endpoint.objectives.availability !== undefined) return []
  const value = endpoint.availability === null ? null : 100 - endpoint.availability
  const breaching = value !== null && value > above && value < 100
  return [
    {
      labels: { component: endpoint.name, metric: 'error_rate' },
      value,
      threshold: above,
      clearThreshold: clearAt,
      unit: '%',
      breaching,
      clear: value !== null && value <= clearAt,
      summary:
        `${endpoint.name} error rate ${formatValue(value, '%')} ` +
        `(${value !== null && value > above ? 'over' : 'within'} ${above}%): ` +
        describeFailures(endpoint),
      details: detailsOf(endpoint),
    },
  ]
}

/** `3 of 5 failed (status_5xx 3)`, from the probe's counts. */
function describeFailures(endpoint: EndpointSnapshot): string {
  const kinds = Object.entries(endpoint.errors)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`)
  const failed = Object.values(endpoint.errors).reduce((sum, count) => sum + count, 0)
  const counts = `${failed} of ${endpoint.requests} probe requests failed`
  return kinds.length > 0 ? `${counts} (${kinds.join(', ')})` : counts
}

function detailsOf(endpoint: EndpointSnapshot): Record<string, string | number | null> {
  return {
    endpoint: endpoint.name,
    method: endpoint.method,
    url: endpoint.url,
    p50_ms: endpoint.p50,
    p95_ms: endpoint.p95,
    p99_ms: endpoint.p99,
    availability_pct: endpoint.availability,
    requests: endpoint.requests,
    probe_error: endpoint.probeError,
  }
}

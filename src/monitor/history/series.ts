import type { MonitorSnapshot, SeriesKey } from '../types.js'
import { ENDPOINT_METRICS, HOST_METRICS } from '../types.js'

/** One value of one series at one time. */
export interface SeriesPoint {
  series: SeriesKey
  /** Epoch ms. */
  t: number
  v: number
}

/** The series key of a component and metric. */
export function seriesKey(component: string, metric: string): SeriesKey {
  return `${component}/${metric}`
}

/** Splits a series key at its first slash (custom metric names may not hold one). */
export function splitSeriesKey(key: string): { component: string; metric: string } {
  const at = key.indexOf('/')
  return { component: key.slice(0, at), metric: key.slice(at + 1) }
}

/**
 * Whether a series is one a monitor probing `endpoints` writes: a host metric, a custom value,
 * or a metric of one of those endpoints. The history API accepts these only, so a series Redis
 * holds for another component (an endpoint since renamed, another monitor's endpoint under the
 * same prefix) is not loaded, and never shows in the analysis or predictions either.
 */
export function knownSeries(endpoints: readonly string[]): (key: SeriesKey) => boolean {
  const names = new Set(endpoints)
  const host = new Set<string>(HOST_METRICS)
  const endpoint = new Set<string>(ENDPOINT_METRICS)
  return key => {
    if (!key.includes('/')) return false
    const { component, metric } = splitSeriesKey(key)
    if (component === 'host') return host.has(metric)
    if (component === 'custom') return metric !== ''
    return names.has(component) && endpoint.has(metric)
  }
}

/** The points one snapshot adds to history; unmeasured (null) values add nothing. */
export function pointsOf(snapshot: MonitorSnapshot): SeriesPoint[] {
  const t = Date.parse(snapshot.time)
  const points: SeriesPoint[] = []
  const add = (component: string, metric: string, v: number | null | undefined) => {
    if (typeof v === 'number' && Number.isFinite(v))
      points.push({ series: seriesKey(component, metric), t, v })
  }

  for (const metric of HOST_METRICS) add('host', metric, snapshot.host[metric])
  for (const endpoint of snapshot.endpoints) {
    for (const metric of ENDPOINT_METRICS) add(endpoint.name, metric, endpoint[metric])
  }
  for (const [name, value] of Object.entries(snapshot.custom)) add('custom', name, value)
  return points
}

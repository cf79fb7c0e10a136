import type { MonitorSnapshot } from '../../types.js'

import { ENDPOINT_METRICS, HOST_METRICS, METRIC_UNITS } from '../../types.js'

/** A series of the monitor: `component` is `host`, `custom` or an endpoint name. */
export interface SeriesRef {
  component: string
  metric: string
}

/**
 * The latest value of a series in a snapshot: `host/<metric>`, `custom/<collector>` or
 * `<endpoint>/<metric>`; null when the series is not in the snapshot or was not measured.
 */
export function seriesValue(snapshot: MonitorSnapshot, ref: SeriesRef): number | null {
  if (ref.component === 'host') {
    if (!(HOST_METRICS as readonly string[]).includes(ref.metric)) return null
    return finite(snapshot.host[ref.metric as (typeof HOST_METRICS)[number]])
  }
  if (ref.component === 'custom') return finite(snapshot.custom[ref.metric])

  const endpoint = snapshot.endpoints.find(e => e.name === ref.component)
  if (!endpoint || !(ENDPOINT_METRICS as readonly string[]).includes(ref.metric)) return null
  return finite(endpoint[ref.metric as (typeof ENDPOINT_METRICS)[number]])
}

/** Every series a snapshot carries, host first, then endpoints, then custom collectors. */
export function snapshotSeries(snapshot: MonitorSnapshot): SeriesRef[] {
  const series: SeriesRef[] = HOST_METRICS.map(metric => ({ component: 'host', metric }))
  for (const endpoint of snapshot.endpoints) {
    for (const metric of ENDPOINT_METRICS) series.push({ component: endpoint.name, metric })
  }
  for (const metric of Object.keys(snapshot.custom)) series.push({ component: 'custom', metric })
  return series
}

/** The unit of a series metric; '' for custom collectors and unknown metrics. */
export function seriesUnit(metric: string): string {
  return (METRIC_UNITS as Record<string, string>)[metric] ?? ''
}

/** A value with its unit the way people read it: `312 ms`, `87.5%`, `1.2 MB/s`. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'n/a'
  if (unit === 'B/s') return `${formatBytes(value)}/s`
  const rounded = readable(value)
  if (unit === '%') return `${rounded}%`
  return unit ? `${rounded} ${unit}` : String(rounded)
}

/**
 * Whole from 100 up, else one decimal, or as many more (up to 3) as it takes for a value
 * under 100 not to read as 100: an availability objective of 99.95% is not "100%".
 */
function readable(value: number): number {
  if (Math.abs(value) >= 100) return Math.round(value)
  for (let digits = 1; digits <= 3; digits++) {
    const rounded = Number(value.toFixed(digits))
    if (Math.abs(rounded) < 100) return rounded
  }
  return value
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB']
  let value = bytes
  let index = 0
  while (Math.abs(value) >= 1000 && index < units.length - 1) {
    value /= 1000
    index += 1
  }
  return `${Number(value.toFixed(1))} ${units[index]}`
}

function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

import type { PerfReport } from '../src/types.js'

/**
 * `perf-report.json`: indented JSON (already redacted by the reporter) in which every object
 * holding only plain values (a timeline second, a latency summary, a compliance row) sits on
 * one line, so a 10-minute timeline is 600 lines rather than 6 000.
 */
export function renderJson(report: PerfReport): string {
  return `${format(report, '')}\n`
}

function format(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  const inner = `${indent}  `

  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    if (value.every(isPlain)) return JSON.stringify(value)
    return `[\n${value.map(item => inner + format(item, inner)).join(',\n')}\n${indent}]`
  }

  const entries = Object.entries(value).filter(([, item]) => item !== undefined)
  if (entries.length === 0) return '{}'
  if (entries.every(([, item]) => isPlain(item))) return JSON.stringify(value)
  return `{\n${entries
    .map(([key, item]) => `${inner}${JSON.stringify(key)}: ${format(item, inner)}`)
    .join(',\n')}\n${indent}}`
}

function isPlain(value: unknown): boolean {
  return value === null || typeof value !== 'object'
}

import type { PerfReport } from '../src/types.js'

/** `perf-report.json`: the report as indented JSON (already redacted by the reporter). */
export function renderJson(report: PerfReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}

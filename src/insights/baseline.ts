import { readFileSync } from 'node:fs'
import { PerfConfigError } from '../errors.js'
import type { PerfReport, ScenarioRecord } from '../types.js'

/**
 * Reads a previous `perf-report.json` to compare against (the path usually comes from
 * `PERF_BASELINE`). Throws a `PerfConfigError` naming `option` when the file is missing,
 * is not JSON, or is not a vitest-perf report of schema version 1.
 */
export function readBaselineReport(path: string, option = 'PERF_BASELINE'): PerfReport {
  if (typeof path !== 'string' || path === '') {
    throw new PerfConfigError(option, `${option}: expected the path of a previous perf-report.json`)
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`
    throw new PerfConfigError(option, `${option}: ${JSON.stringify(path)}: ${why}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new PerfConfigError(
      option,
      `${option}: ${JSON.stringify(path)} is not JSON; expected a perf-report.json written by vitest-perf`,
    )
  }
  const problem = reportProblem(data)
  if (problem) {
    throw new PerfConfigError(
      option,
      `${option}: ${JSON.stringify(path)} is not a vitest-perf report (${problem})`,
    )
  }
  return data as PerfReport
}

/**
 * The scenario of a baseline report that corresponds to `scenario`: the one with the same
 * test name and label, else the only one with the same label. Null when there is none, or
 * when several share the label and none shares the test name too (a guess could compare
 * two different scenarios).
 */
export function findBaselineScenario(
  report: PerfReport,
  scenario: { label: string; name?: string },
): ScenarioRecord | null {
  const sameLabel = report.scenarios.filter(s => s.label === scenario.label)
  if (scenario.name !== undefined) {
    const exact = sameLabel.filter(s => s.name === scenario.name)
    if (exact.length >= 1) return exact[0]!
  }
  return sameLabel.length === 1 ? sameLabel[0]! : null
}

/** What makes `data` not a report, in words; null when it looks like one. */
function reportProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not an object'
  const report = data as Partial<PerfReport>
  if (report.schemaVersion !== 1) {
    return `schemaVersion is ${JSON.stringify(report.schemaVersion)}, expected 1`
  }
  if (!Array.isArray(report.scenarios)) return 'no scenarios array'
  for (let i = 0; i < report.scenarios.length; i++) {
    const s = report.scenarios[i] as Partial<ScenarioRecord> | null
    if (typeof s !== 'object' || s === null) return `scenarios[${i}] is not an object`
    if (typeof s.label !== 'string') return `scenarios[${i}] has no label`
    if (!Array.isArray(s.timeline)) return `scenarios[${i}] has no timeline`
  }
  return null
}

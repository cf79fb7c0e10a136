import { readFileSync } from 'node:fs'
import * as insightsModule from '../src/insights/index.js'
import type {
  BaselineComparison,
  LoadResult,
  PerfReport,
  ScenarioInsights,
  ScenarioRecord,
} from '../src/types.js'

/** The three functions of `src/insights` the reporter calls (see the interface contract). */
export interface InsightsApi {
  explainResult?: (result: LoadResult) => ScenarioInsights
  compareToBaseline?: (result: LoadResult, baseline: LoadResult) => BaselineComparison
  readBaselineReport?: (path: string) => PerfReport
}

/** The library's insights module, read by name so the reporter also works while a function is missing. */
export const defaultInsights: InsightsApi = insightsModule as InsightsApi

/**
 * Fills `insights` on every scenario that ran, and `baseline` when a previous report is given.
 * Returns the notes worth printing (a missing baseline file, an insight that threw): insights
 * explain a report, they never stop it from being written.
 */
export function addInsights(
  report: PerfReport,
  baselinePath: string | null,
  api: InsightsApi = defaultInsights,
): string[] {
  const notes: string[] = []
  const explain = api.explainResult
  if (explain) {
    for (const scenario of report.scenarios) {
      if (scenario.state === 'skipped' || !Array.isArray(scenario.timeline)) continue
      try {
        scenario.insights = explain(scenario)
      } catch (error) {
        notes.push(`insights for "${scenario.name}" failed: ${message(error)}`)
      }
    }
  }

  if (!baselinePath) return notes
  let baseline: PerfReport
  try {
    baseline = api.readBaselineReport
      ? api.readBaselineReport(baselinePath)
      : readReport(baselinePath)
  } catch (error) {
    notes.push(`baseline ${baselinePath} not used: ${message(error)}`)
    return notes
  }
  const compare = api.compareToBaseline
  if (!compare) {
    notes.push('baseline given, but this build has no compareToBaseline()')
    return notes
  }
  for (const scenario of report.scenarios) {
    const before = matchBaseline(scenario, baseline.scenarios ?? [])
    if (!before) {
      scenario.baseline = null
      continue
    }
    try {
      scenario.baseline = compare(scenario, before)
    } catch (error) {
      scenario.baseline = null
      notes.push(`baseline comparison for "${scenario.name}" failed: ${message(error)}`)
    }
  }
  return notes
}

/** The same scenario in a previous report: same id, else same name, else same label and file. */
export function matchBaseline(
  scenario: ScenarioRecord,
  previous: readonly ScenarioRecord[],
): ScenarioRecord | undefined {
  return (
    previous.find(item => item.id === scenario.id && item.label === scenario.label) ??
    previous.find(item => item.name === scenario.name) ??
    previous.find(item => item.label === scenario.label && item.file === scenario.file)
  )
}

// Used only while `readBaselineReport` is missing from src/insights.
function readReport(path: string): PerfReport {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<PerfReport>
  if (parsed?.schemaVersion !== 1 || !Array.isArray(parsed.scenarios)) {
    throw new Error('not a vitest-perf report (schemaVersion 1 with scenarios)')
  }
  return parsed as PerfReport
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

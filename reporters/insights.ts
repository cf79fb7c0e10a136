import {
  compareToBaseline,
  explainResult,
  findBaselineScenario,
  readBaselineReport,
} from '../src/insights/index.js'
import type {
  BaselineComparison,
  LoadResult,
  PerfReport,
  ScenarioInsights,
  ScenarioRecord,
} from '../src/types.js'

/** The functions of `src/insights` the reporter calls; replaceable so tests can feed fixed values. */
export interface InsightsApi {
  explainResult: (result: LoadResult) => ScenarioInsights
  compareToBaseline: (result: LoadResult, baseline: LoadResult) => BaselineComparison
  readBaselineReport: (path: string, option?: string) => PerfReport
  findBaselineScenario: (
    report: PerfReport,
    scenario: { label: string; name?: string },
  ) => ScenarioRecord | null
}

/** The library's own insights. */
export const defaultInsights: InsightsApi = {
  explainResult: result => explainResult(result),
  compareToBaseline: (result, baseline) => compareToBaseline(result, baseline),
  readBaselineReport,
  findBaselineScenario,
}

/**
 * Fills `insights` on every scenario that ran, and `baseline` when a previous report is given.
 * Returns the notes worth printing (a missing baseline file, an insight that threw): insights
 * explain a report, they never stop it from being written.
 */
export function addInsights(
  report: PerfReport,
  baselinePath: string | null,
  api: InsightsApi = defaultInsights,
  baselineOption = 'baseline',
): string[] {
  const notes: string[] = []
  for (const scenario of report.scenarios) {
    if (scenario.state === 'skipped' || !Array.isArray(scenario.timeline)) continue
    try {
      scenario.insights = api.explainResult(scenario)
    } catch (error) {
      notes.push(`insights for "${scenario.name}" failed: ${message(error)}`)
    }
  }

  if (!baselinePath) return notes
  let baseline: PerfReport
  try {
    baseline = api.readBaselineReport(baselinePath, baselineOption)
  } catch (error) {
    notes.push(`baseline not used: ${message(error)}`)
    return notes
  }
  for (const scenario of report.scenarios) {
    const before = api.findBaselineScenario(baseline, scenario)
    if (!before || scenario.state === 'skipped') {
      scenario.baseline = null
      continue
    }
    try {
      scenario.baseline = api.compareToBaseline(scenario, before)
    } catch (error) {
      scenario.baseline = null
      notes.push(`baseline comparison for "${scenario.name}" failed: ${message(error)}`)
    }
  }
  return notes
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

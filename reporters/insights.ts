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

/** What `addInsights` has to say beyond the report itself. */
export interface InsightsOutcome {
  /** Worth printing, no more: an insight or one scenario's comparison that threw. */
  notes: string[]
  /** The baseline named could not be read (missing, not JSON, not a report): the run was
   * asked for a regression check it could not make, so the reporter fails it. */
  baselineError: string | null
}

/**
 * Fills `insights` on every scenario that ran, and `baseline` when a previous report is given.
 * Insights explain a report; they never stop it from being written, so nothing here throws.
 */
export function addInsights(
  report: PerfReport,
  baselinePath: string | null,
  api: InsightsApi = defaultInsights,
  baselineOption = 'baseline',
): InsightsOutcome {
  const notes: string[] = []
  for (const scenario of report.scenarios) {
    if (scenario.state === 'skipped' || !Array.isArray(scenario.timeline)) continue
    try {
      scenario.insights = api.explainResult(scenario)
    } catch (error) {
      notes.push(`insights for "${scenario.name}" failed: ${message(error)}`)
    }
  }

  if (!baselinePath) return { notes, baselineError: null }
  let baseline: PerfReport
  try {
    baseline = api.readBaselineReport(baselinePath, baselineOption)
  } catch (error) {
    return { notes, baselineError: message(error) }
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
  return { notes, baselineError: null }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

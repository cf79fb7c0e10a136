import type { PerfReport, ScenarioRecord } from '../src/types.js'
import { reportPassed, scenarioPassed } from './collect.js'

/** The run's verdict, as the console, the HTML page and the CI summary all state it. */
export interface RunVerdict {
  /** Every scenario passed, no other test failed, and `reasons` is empty. */
  passed: boolean
  /**
   * Why the reporter fails the run beyond its scenarios and tests, in words for a summary line
   * (`1 scenario regressed against the baseline`); empty when nothing of the kind happened.
   */
  reasons: string[]
  /** A regression against the baseline fails the run (`failOnRegression`). */
  failOnRegression: boolean
}

/** What the reporter found at the end of the run, besides the report itself. */
export interface RunProblems {
  /** The baseline named could not be read. */
  baselineError?: string | null
  /** The report files could not be written. */
  writeError?: string | null
  /** A regressed scenario fails the run. Default true. */
  failOnRegression?: boolean
  /** The signal that cut the run short, when one did. */
  interrupted?: string | null
}

/**
 * The verdict of a run: its scenarios and tests, then what the reporter itself fails the run
 * for. A regression check that could not run (an unreadable baseline) or that found a slower
 * scenario, and a report that never reached the disk, would otherwise pass CI unnoticed.
 */
export function runVerdict(report: PerfReport, problems: RunProblems = {}): RunVerdict {
  const failOnRegression = problems.failOnRegression ?? true
  const reasons: string[] = []

  const regressed = regressedScenarios(report).length
  if (failOnRegression && regressed > 0) {
    reasons.push(
      `${regressed} scenario${regressed === 1 ? '' : 's'} regressed against the baseline`,
    )
  }
  // A test that passed with a missed objective recorded (by a scenario's `objectives`, with no
  // matcher asserting it) is a failed scenario in every headline: the exit code says the same.
  const unasserted = report.scenarios.filter(
    scenario => scenario.state === 'passed' && !scenarioPassed(scenario),
  ).length
  if (unasserted > 0) {
    reasons.push(
      `${unasserted} scenario${unasserted === 1 ? '' : 's'} missed an objective its passing test ` +
        'did not assert',
    )
  }
  if (problems.interrupted) {
    reasons.push(`the run was interrupted (${problems.interrupted}) before every test had run`)
  }
  if (problems.baselineError) reasons.push('the baseline could not be read')
  if (problems.writeError) reasons.push('the report could not be written')

  return { passed: reportPassed(report) && reasons.length === 0, reasons, failOnRegression }
}

/** Scenarios whose comparison with the baseline says `regressed`; the other verdicts never fail. */
export function regressedScenarios(report: PerfReport): ScenarioRecord[] {
  return report.scenarios.filter(scenario => scenario.baseline?.verdict === 'regressed')
}

/** `the run fails because A and B`, or '' when the verdict has no reason of its own. */
export function failureSentence(verdict: RunVerdict): string {
  if (verdict.reasons.length === 0) return ''
  return `the run fails because ${verdict.reasons.join(' and ')}`
}

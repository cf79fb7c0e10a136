import type { PerfReport, ScenarioRecord } from '../src/types.js'
import { scenarioPassed } from './collect.js'
import {
  findRow,
  formatChange,
  formatCount,
  formatMs,
  formatValue,
  hostLevels,
  judgedLatency,
  objectiveColumns,
  round,
} from './format.js'
import { failureSentence, type RunVerdict, regressedScenarios, runVerdict } from './verdict.js'

/** How the console summary is drawn. */
export interface ConsoleOptions {
  /** ANSI colours. Off when the output is not a terminal or `NO_COLOR` is set (see `useColor`). */
  color: boolean
  /** Where the report files went, listed after the totals. */
  files?: string[]
  /** Widest a scenario name may be before it is cut, characters. Default 40. */
  nameWidth?: number
  /** The run's verdict. Default: `runVerdict(report)`, the scenarios and tests alone. */
  verdict?: RunVerdict
}

/** Colour only for a terminal, and never when `NO_COLOR` is set (https://no-color.org). */
export function useColor(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true
}

const HEADINGS = [
  'scenario',
  'tags',
  'requests',
  'req/s',
  'p50',
  'p95',
  'p99',
  'success',
  'objectives',
  'host',
]

/**
 * The console summary: one row per scenario, warnings, regressions against the baseline, tests
 * without a scenario, totals, files.
 */
export function renderConsole(report: PerfReport, options: ConsoleOptions): string {
  const paint = painter(options.color)
  const nameWidth = options.nameWidth ?? 40
  const verdict = options.verdict ?? runVerdict(report)
  const columns = objectiveColumns(report.scenarios)

  const rows = report.scenarios.map(scenario => {
    const objectives = columns
      .map(column => ({ label: column.label, row: findRow(scenario, column.metric) }))
      .filter(({ row }) => row !== undefined)
      .map(({ label, row }) => (row?.passed ? paint.green(`${label} ✓`) : paint.red(`${label} ✗`)))
    const host = hostLevels(scenario).map(({ resource, level }) => {
      const text = `${resource} ${level}`
      return level === 'critical'
        ? paint.red(text)
        : level === 'warning'
          ? paint.yellow(text)
          : text
    })
    const name = clipMiddle(scenario.label, nameWidth)
    const latency = judgedLatency(scenario)
    return [
      scenarioPassed(scenario) ? name : paint.red(name),
      scenario.tags.join(','),
      formatCount(scenario.requests?.total),
      formatCount(round(scenario.throughputRps)),
      formatMs(latency?.p50),
      formatMs(latency?.p95),
      formatMs(latency?.p99),
      formatValue(scenario.successRate, '%'),
      objectives.join(' ') || paint.dim('none'),
      host.join(' ') || paint.dim('–'),
    ]
  })

  // A run without any scenario (a unit-test run with the reporter configured) gets one line.
  const recorded = report.tests.some(test => test.compliance?.length)
  if (report.scenarios.length === 0 && !recorded) {
    const files = options.files?.length ? `; report: ${options.files.join(', ')}` : ''
    return `vitest-perf: no scenario ran (${report.tests.length} tests without one)${files}\n`
  }

  const lines: string[] = ['', paint.bold('Performance'), '']
  if (rows.length > 0) lines.push(...table(HEADINGS.map(paint.bold), rows))
  if (report.scenarios.some(scenario => scenario.correctedLatencyMs)) {
    lines.push(
      paint.dim('  latency: corrected (from the scheduled arrival) for open-model scenarios'),
    )
  }
  for (const scenario of report.scenarios) lines.push(...warnings(scenario, paint))
  lines.push(...regressions(report, verdict, paint))
  // Passed tests without a scenario are ordinary tests: only the ones that did not pass show.
  for (const test of report.tests.filter(test => test.state !== 'passed')) {
    const label = test.state.padEnd(8)
    const state = test.state === 'failed' ? paint.red(label) : paint.dim(label)
    const error = test.error ? paint.dim(` (${clip(firstLine(test.error), 100)})`) : ''
    lines.push(`  ${state}${test.name}${error}`)
  }

  lines.push('', totals(report, verdict, paint))
  for (const file of options.files ?? []) lines.push(`  report: ${file}`)
  lines.push('')
  return lines.join('\n')
}

function warnings(scenario: ScenarioRecord, paint: Painter): string[] {
  const out: string[] = []
  if (scenario.host?.saturated) {
    out.push(paint.yellow(`  ⚠ ${scenario.name}: load generator saturated; latency is inflated`))
    const reason = scenario.host.saturationReason
    if (reason) out.push(paint.dim(`    ${clip(reason.replace(/\s+/g, ' '), 200)}`))
  }
  if (scenario.aborted) {
    out.push(
      paint.yellow(`  ⚠ ${scenario.name}: stopped early (${scenario.stopReason ?? 'aborted'})`),
    )
  }
  return out
}

// One line per regressed scenario, with what was compared and how sure the comparison is.
function regressions(report: PerfReport, verdict: RunVerdict, paint: Painter): string[] {
  return regressedScenarios(report).map(scenario => {
    const comparison = scenario.baseline!
    const [low, high] = comparison.ciPct
    const text =
      `${scenario.label} regressed against the baseline: ${comparison.metric} ` +
      `${formatMs(comparison.before)} → ${formatMs(comparison.after)}, ` +
      `${formatChange(comparison.changePct)} (95% CI ${formatChange(low)} to ` +
      `${formatChange(high)}), ${formatP(comparison.pValue)}`
    return verdict.failOnRegression ? paint.red(`  ✗ ${text}`) : paint.yellow(`  ⚠ ${text}`)
  })
}

function totals(report: PerfReport, verdict: RunVerdict, paint: Painter): string {
  const { scenarios, passed, failed, skipped } = report.summary
  const headline = verdict.passed ? paint.green('PASS') : paint.red('FAIL')
  const failedTests = report.tests.filter(test => test.state === 'failed').length
  const parts = [`${scenarios} scenario${scenarios === 1 ? '' : 's'}`, `${passed} passed`]
  parts.push(failed ? paint.red(`${failed} failed`) : `${failed} failed`)
  // Skips are counted in tests, not scenarios: a skipped test ran no scenario.
  if (skipped) parts.push(`${skipped} test${skipped === 1 ? '' : 's'} skipped`)
  if (failedTests)
    parts.push(paint.red(`${failedTests} other test${failedTests === 1 ? '' : 's'} failed`))
  const why = failureSentence(verdict)
  return `  ${headline} ${parts.join(', ')}${why ? paint.red(`; ${why}`) : ''}`
}

// A table whose column widths ignore ANSI codes, so colour does not break the alignment.
function table(headings: string[], rows: string[][]): string[] {
  const widths = headings.map((heading, column) =>
    Math.max(visible(heading), ...rows.map(row => visible(row[column] ?? ''))),
  )
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - visible(cell)))
      .join('  ')
      .trimEnd()}`
  return [line(headings), ...rows.map(line)]
}

interface Painter {
  bold(text: string): string
  dim(text: string): string
  green(text: string): string
  red(text: string): string
  yellow(text: string): string
}

function painter(color: boolean): Painter {
  const wrap = (open: number, close: number) => (text: string) =>
    color ? `\u001b[${open}m${text}\u001b[${close}m` : text
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape codes is the point
const ANSI = /\u001b\[[0-9;]*m/g

function visible(text: string): number {
  return [...text.replace(ANSI, '')].length
}

function clip(text: string, width: number): string {
  const chars = [...text]
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`
}

/**
 * Cuts a long scenario label in the middle: its start names the endpoint and its end what
 * sets the scenario apart (`POST /api/v1/ve…search @ 1,100 req/s`).
 */
function clipMiddle(text: string, width: number): string {
  const chars = [...text]
  if (chars.length <= width) return text
  const head = Math.floor((width - 1) * 0.4)
  const tail = width - 1 - head
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`
}

function formatP(p: number): string {
  return p < 0.0001 ? 'p<0.0001' : `p=${Number(p.toPrecision(2))}`
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? ''
}

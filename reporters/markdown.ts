import { formatDuration } from '../src/config/duration.js'
import type { PerfReport, ScenarioRecord } from '../src/types.js'
import { scenarioPassed } from './collect.js'
import {
  comparatorSymbol,
  findRow,
  formatValue,
  measured,
  objectiveColumns,
  unitOf,
} from './format.js'
import { failureSentence, type RunVerdict, runVerdict } from './verdict.js'

/**
 * The CI summary: a heading with the verdict, why the run fails when its scenarios alone do not
 * say, then the compliance table in GitHub Markdown. `verdict` defaults to `runVerdict(report)`.
 */
export function renderMarkdown(
  report: PerfReport,
  title = 'Performance report',
  verdict: RunVerdict = runVerdict(report),
): string {
  const columns = objectiveColumns(report.scenarios)
  const { scenarios, passed, failed, skipped } = report.summary
  const why = failureSentence(verdict)
  const lines = [
    `## ${cell(title)}: ${verdict.passed ? '✅ pass' : '❌ fail'}`,
    '',
    `${scenarios} scenarios: ${passed} passed, ${failed} failed, ${skipped} skipped · ` +
      `${formatDuration(Date.parse(report.finishedAt) - Date.parse(report.startedAt))} · ` +
      `Node ${cell(report.environment.node)}, ${report.environment.cpus} CPUs` +
      (report.environment.baseUrl ? ` · ${code(report.environment.baseUrl)}` : ''),
    '',
  ]
  if (why) lines.push(`**${capitalize(why)}.**`, '')

  if (report.scenarios.length > 0) {
    const baseline = report.scenarios.some(scenario => scenario.baseline)
    const headings = ['scenario', ...columns.map(column => column.label), 'verdict']
    if (baseline) headings.push('vs baseline')
    lines.push(`| ${headings.join(' | ')} |`, `|${headings.map(() => ' --- ').join('|')}|`)
    for (const scenario of report.scenarios) {
      const cells = [
        cell(scenario.name),
        ...columns.map(column => objectiveCell(scenario, column.metric)),
        scenarioPassed(scenario) ? '✅' : '❌',
      ]
      if (baseline) cells.push(baselineCell(scenario))
      lines.push(`| ${cells.join(' | ')} |`)
    }
    lines.push('')
  }

  const others = report.tests.filter(test => test.state !== 'passed')
  if (others.length > 0) {
    lines.push('| test | state |', '| --- | --- |')
    for (const test of others) lines.push(`| ${cell(test.name)} | ${cell(test.state)} |`)
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}

function objectiveCell(scenario: ScenarioRecord, metric: string): string {
  const row = findRow(scenario, metric)
  if (!row) return formatValue(measured(scenario, metric), unitOf(metric))
  const mark = row.passed ? '✅' : '❌'
  return `${mark} ${formatValue(row.actual, row.unit)} / ${comparatorSymbol(row.comparator)} ${formatValue(row.target, row.unit)}`
}

function baselineCell(scenario: ScenarioRecord): string {
  const comparison = scenario.baseline
  if (!comparison) return '–'
  const sign = comparison.changePct > 0 ? '+' : ''
  return `${cell(comparison.verdict)} ${sign}${comparison.changePct.toFixed(1)}%`
}

// Table cells: a pipe or a line break would end the cell; HTML is escaped because GitHub renders it.
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``
}

import type { PerfReport, ScenarioRecord } from '../../src/types.js'
import { scenarioPassed } from '../collect.js'
import {
  comparatorSymbol,
  findRow,
  formatChange,
  formatValue,
  measured,
  objectiveColumns,
  unitOf,
} from '../format.js'
import { escapeHtml as e } from './escape.js'

/**
 * The compliance table: one row per scenario, one column per objective, each cell
 * "actual / target" coloured pass or fail; before/after columns when a baseline was compared.
 */
export function complianceTable(report: PerfReport): string {
  if (report.scenarios.length === 0) return '<p class="muted">No scenario ran.</p>'
  const columns = objectiveColumns(report.scenarios)
  const baseline = report.scenarios.some(scenario => scenario.baseline)

  const head = [
    '<th>scenario</th>',
    ...columns.map(
      column => `<th class="num" data-metric="${e(column.metric)}">${e(column.label)}</th>`,
    ),
    '<th>verdict</th>',
  ]
  if (baseline)
    head.push(
      '<th class="num">before</th><th class="num">after</th><th class="num">change (CI)</th><th>vs baseline</th>',
    )

  const rows = report.scenarios.map((scenario, index) => {
    const passed = scenarioPassed(scenario)
    const cells = [
      `<td class="name"><a href="#s-${index}">${e(scenario.name)}</a>${targetLine(scenario)}</td>`,
      ...columns.map(column => objectiveCell(scenario, column.metric)),
      `<td class="${passed ? 'pass' : 'fail'} verdict-cell">${passed ? 'pass' : 'fail'}${
        scenario.state === 'skipped' ? ' (skipped)' : ''
      }</td>`,
    ]
    if (baseline) cells.push(baselineCells(scenario))
    return `<tr data-scenario="${index}">${cells.join('')}</tr>`
  })

  return `<div class="table-wrap"><table id="compliance"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
}

function targetLine(scenario: ScenarioRecord): string {
  const target = scenario.target
  if (!target) return ''
  const text = target.kind === 'http' ? `${target.method} ${target.url}` : `function ${target.name}`
  return `<br><span class="muted mono">${e(text)}</span>`
}

function objectiveCell(scenario: ScenarioRecord, metric: string): string {
  const row = findRow(scenario, metric)
  if (!row) {
    const value = measured(scenario, metric)
    return `<td class="num none" data-metric="${e(metric)}">${e(formatValue(value, unitOf(metric)))}</td>`
  }
  const verdict = row.passed ? 'pass' : 'fail'
  const title = `${row.metric} ${comparatorSymbol(row.comparator)} ${row.target} ${row.unit}: ${verdict}`
  return `<td class="num ${verdict}" data-metric="${e(metric)}" title="${e(title)}">${e(
    formatValue(row.actual, row.unit),
  )} / ${e(formatValue(row.target, row.unit))}</td>`
}

function baselineCells(scenario: ScenarioRecord): string {
  const comparison = scenario.baseline
  if (!comparison)
    return '<td class="none">–</td><td class="none">–</td><td class="none">–</td><td class="none">no baseline</td>'
  const verdictClass =
    comparison.verdict === 'regressed'
      ? 'fail'
      : comparison.verdict === 'improved'
        ? 'pass'
        : 'none'
  const [low, high] = comparison.ciPct.map(formatChange)
  return [
    `<td class="num">${e(formatValue(comparison.before, 'ms'))}</td>`,
    `<td class="num">${e(formatValue(comparison.after, 'ms'))}</td>`,
    `<td class="num" title="${e(`confidence interval ${low} to ${high}`)}">${e(
      formatChange(comparison.changePct),
    )} <span class="muted">[${e(low)}, ${e(high)}]</span></td>`,
    `<td class="${verdictClass}" title="${e(comparison.reason)}">${e(comparison.verdict)}</td>`,
  ].join('')
}

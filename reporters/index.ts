// `vitest-perf/reporter`: the compliance reporter (default export) and its renderers.
export {
  buildReport,
  type CollectedTest,
  collectTests,
  reportPassed,
  scenarioPassed,
} from './collect.js'
export { type ConsoleOptions, renderConsole, useColor } from './console.js'
export { environmentInfo } from './environment.js'
export { chartData, type ScenarioChartData } from './html/chart-data.js'
export { escapeHtml, jsonForScript } from './html/escape.js'
export { renderHtml } from './html/render.js'
export { addInsights, type InsightsApi } from './insights.js'
export { renderJson } from './json.js'
export { renderMarkdown } from './markdown.js'
export type { PerfReporterOptions, ResolvedReporterOptions } from './options.js'
export { resolveReporterOptions } from './options.js'
export { HTML_FILE, JSON_FILE, PerfReporter, PerfReporter as default } from './perf-reporter.js'
export { isSecretKey, REDACTED, redact, redactText } from './redact.js'
export {
  failureSentence,
  type RunProblems,
  type RunVerdict,
  regressedScenarios,
  runVerdict,
} from './verdict.js'

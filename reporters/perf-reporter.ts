import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { logger } from '../src/config/logger.js'
import { perfTags } from '../src/harness/tags.js'
import type { PerfReport } from '../src/types.js'
import { buildReport, collectTests } from './collect.js'
import { renderConsole, useColor } from './console.js'
import { environmentInfo, toolVersion } from './environment.js'
import { renderHtml } from './html/render.js'
import { addInsights, defaultInsights, type InsightsApi } from './insights.js'
import { renderJson } from './json.js'
import { renderMarkdown } from './markdown.js'
import {
  type PerfReporterOptions,
  type ResolvedReporterOptions,
  resolveReporterOptions,
} from './options.js'
import { redact } from './redact.js'
import { failureSentence, type RunVerdict, runVerdict } from './verdict.js'

/** File name of the JSON report inside `outputDir`. */
export const JSON_FILE = 'perf-report.json'
/** File name of the HTML report inside `outputDir`. */
export const HTML_FILE = 'perf-report.html'

/** Tags that mark a test as a performance test even before it attached anything. */
const PERF_TAG_NAMES = new Set(perfTags.map(tag => tag.name))

/**
 * The vitest-perf compliance reporter. When the run ends it reads every test's `meta.perf`
 * (so it gives the same report live and after `--merge-reports`), builds the report, redacts
 * secrets, writes `perf-report.json` and `perf-report.html`, prints a summary table, and appends
 * a Markdown table to `GITHUB_STEP_SUMMARY` when that is set.
 */
export class PerfReporter implements Reporter {
  /** The options with defaults filled in. */
  readonly options: ResolvedReporterOptions
  /** The report of the last run (redacted), once it ended. */
  report: PerfReport | undefined
  /** Absolute paths of the files the last run wrote. */
  files: string[] = []

  private ctx: Vitest | undefined
  /** The report of this run was written: at its end, or when a signal cut it short. */
  private finished = false
  private runStartedAt = Date.now()
  private readonly insights: InsightsApi
  /** Where the baseline path came from, so a message about it names what the user set. */
  private readonly baselineOption: string

  /** Throws `PerfConfigError` on a bad option, before any test runs. */
  constructor(options: PerfReporterOptions = {}, insights: InsightsApi = defaultInsights) {
    this.options = resolveReporterOptions(options)
    // Creating the library's logger reports an unknown PERFORMANCE_LOG_LEVEL at the start of
    // the run; a run that logs nothing else would never say it.
    logger()
    this.insights = insights
    this.baselineOption = options?.baseline === undefined ? 'PERF_BASELINE' : 'baseline'
  }

  onInit(ctx: Vitest): void {
    this.ctx = ctx
    this.runStartedAt = Date.now()
    this.watchSignals()
  }

  /**
   * Vitest exits a millisecond after SIGINT or SIGTERM without ending the run for its
   * reporters: the scenarios that finished are written from the signal, synchronously, first.
   */
  private watchSignals(): void {
    process.off('SIGINT', this.onSignal).once('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal).once('SIGTERM', this.onSignal)
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    try {
      this.finish(this.ctx?.state.getTestModules() ?? [], signal)
    } catch (error) {
      this.error(`vitest-perf: could not write the report of the interrupted run: ${error}`)
    }
  }

  onTestRunStart(): void {
    this.runStartedAt = Date.now()
    // Each run of a watch session gets its own report.
    this.finished = false
    this.watchSignals()
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    this.finish(testModules, null)
  }

  /** Builds, writes and prints the report; `interrupted` names the signal that cut the run. */
  private finish(testModules: ReadonlyArray<TestModule>, interrupted: NodeJS.Signals | null): void {
    if (this.finished) return
    this.finished = true
    const tests = collectTests(testModules)
    // A run that ended before any test was collected (an unreachable base URL stopped the
    // global setup, an unknown tag, a config error) has nothing to report: writing would
    // replace the last good report with an empty one.
    if (tests.length === 0) {
      if (this.options.console) {
        this.log('vitest-perf: no test ran, so no report was written; the previous one is kept')
      }
      return
    }
    // A run of other tests only (`vitest --project unit` with the reporter in the root config)
    // must not replace the last performance report with an empty one either. A test counts as a
    // performance test when it attached a result or carries one of the performance tags, so a
    // tagged scenario that failed before measuring still gets its report.
    const perfRun = tests.some(
      test => test.perf !== undefined || test.tags.some(tag => PERF_TAG_NAMES.has(tag)),
    )
    if (!perfRun) {
      if (this.options.console) {
        this.log(
          `vitest-perf: no performance test in this run (${tests.length} tests, none measured or ` +
            'tagged with a performance tag), so no report was written; the previous one is kept',
        )
      }
      return
    }
    const built = buildReport(tests, {
      runStartedAt: this.runStartedAt,
      runFinishedAt: Date.now(),
      environment: environmentInfo(),
      toolVersion: toolVersion(),
    })
    const { notes, baselineError } = addInsights(
      built,
      this.options.baseline,
      this.insights,
      this.baselineOption,
    )
    // Redaction comes last, after insights, so nothing computed later can reintroduce a secret.
    const report = redact(built)
    this.report = report

    const failOnRegression = this.options.failOnRegression
    const beforeWrite = runVerdict(report, { baselineError, failOnRegression, interrupted })
    const { files, writeError } = this.write(report, beforeWrite)
    this.files = files
    // The console and the CI summary also say when the report never reached the disk; the
    // page itself was written (or not) before that was known, and needs no such line.
    const verdict = runVerdict(report, { baselineError, writeError, failOnRegression, interrupted })
    this.print(report, notes, verdict)
    this.appendStepSummary(report, verdict)
    if (baselineError) {
      // The report is written all the same; the run fails so that a mistyped baseline path
      // in CI is not a regression check that silently never ran.
      this.error(
        `vitest-perf: no baseline comparison: ${baselineError}; the report was written ` +
          'without one, and the run fails',
      )
    }
    // Vitest sets the exit code from the tests alone: a scenario slower than its baseline, a
    // baseline that could not be read or a report CI will not find are the reporter's to fail.
    if (verdict.reasons.length === 0) return
    // An interrupted run exits as Vitest says (130 for SIGINT); any other reason fails it.
    if (!interrupted) process.exitCode = 1
    // Without the summary table, its totals line cannot say why the run failed.
    if (!this.options.console) this.error(`vitest-perf: ${failureSentence(verdict)}`)
  }

  private write(
    report: PerfReport,
    verdict: RunVerdict,
  ): { files: string[]; writeError: string | null } {
    const dir = resolve(this.ctx?.config.root ?? process.cwd(), this.options.outputDir)
    const files: string[] = []
    try {
      mkdirSync(dir, { recursive: true })
      if (this.options.json) {
        const file = resolve(dir, JSON_FILE)
        writeFileSync(file, renderJson(report))
        files.push(file)
      }
      if (this.options.html) {
        const file = resolve(dir, HTML_FILE)
        writeFileSync(file, renderHtml(report, this.options.title, verdict))
        files.push(file)
      }
    } catch (error) {
      const writeError = (error as Error).message
      this.error(`vitest-perf: could not write the report to ${dir}: ${writeError}; the run fails`)
      return { files, writeError }
    }
    return { files, writeError: null }
  }

  private print(report: PerfReport, notes: string[], verdict: RunVerdict): void {
    if (!this.options.console) return
    const text = renderConsole(report, {
      color: useColor(process.stdout),
      files: this.files.map(displayPath),
      verdict,
    })
    this.log(text)
    for (const note of notes) this.log(`  note: ${note}`)
  }

  private appendStepSummary(report: PerfReport, verdict: RunVerdict): void {
    const target = process.env.GITHUB_STEP_SUMMARY
    if (!target) return
    try {
      appendFileSync(target, renderMarkdown(report, this.options.title, verdict))
    } catch (error) {
      this.error(
        `vitest-perf: could not append to GITHUB_STEP_SUMMARY: ${(error as Error).message}`,
      )
    }
  }

  private log(text: string): void {
    if (this.ctx) this.ctx.logger.log(text)
    else process.stdout.write(`${text}\n`)
  }

  private error(text: string): void {
    if (this.ctx) this.ctx.logger.error(text)
    else process.stderr.write(`${text}\n`)
  }
}

// Relative to the working directory when the file is below it, else absolute.
function displayPath(file: string): string {
  const short = relative(process.cwd(), file)
  return short && !short.startsWith('..') ? short : file
}

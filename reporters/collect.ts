import type { TestCase, TestModule } from 'vitest/node'
import type {
  ComplianceRow,
  LoadResult,
  PerfMeta,
  PerfReport,
  ScenarioRecord,
} from '../src/types.js'

/** One test as the reporter saw it at the end of the run: who it is, how it ended, what it carried. */
export interface CollectedTest {
  /** The Vitest test id (stable across runs and shards). */
  id: string
  /** Full name, suites joined with ` > `. */
  name: string
  /** Test file, relative to the project root. */
  file: string
  tags: string[]
  state: ScenarioRecord['state']
  /** The first error's message, when the test failed. */
  error?: string
  /** What the test attached in `task.meta.perf`, if anything. */
  perf?: PerfMeta
  /** When the test started, ms since the epoch (when Vitest knows). */
  startTime?: number
  /** How long the test ran, ms. */
  durationMs?: number
}

/**
 * Every test of every module, including skipped ones and modules that failed to load. Modules
 * are taken in file order and tests in the order they are defined, so the report reads the same
 * whichever worker or shard finished first.
 */
export function collectTests(testModules: ReadonlyArray<TestModule>): CollectedTest[] {
  const tests: CollectedTest[] = []
  const ordered = [...testModules].sort((a, b) =>
    a.relativeModuleId < b.relativeModuleId ? -1 : a.relativeModuleId > b.relativeModuleId ? 1 : 0,
  )
  for (const module of ordered) {
    const file = module.relativeModuleId
    for (const error of module.errors()) {
      tests.push({
        id: module.id,
        name: file,
        file,
        tags: [],
        state: 'failed',
        error: error.message ?? String(error),
      })
    }
    for (const test of module.children.allTests()) tests.push(collectTest(test, file))
  }
  return tests
}

function collectTest(test: TestCase, file: string): CollectedTest {
  const result = test.result()
  const diagnostic = test.diagnostic()
  const entry: CollectedTest = {
    id: test.id,
    name: test.fullName,
    file,
    tags: [...(test.tags ?? [])],
    state: result.state,
  }
  const error = result.errors?.[0]
  if (error) entry.error = error.message ?? String(error)
  const perf = readPerfMeta(test.meta().perf)
  if (perf) entry.perf = perf
  if (diagnostic) {
    entry.startTime = diagnostic.startTime
    entry.durationMs = diagnostic.duration
  }
  return entry
}

/**
 * The `perf` meta when it has the `PerfMeta` shape, else undefined. Meta crossed a process
 * boundary (and maybe a blob file), so it is checked rather than trusted.
 */
export function readPerfMeta(value: unknown): PerfMeta | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { results, compliance } = value as Partial<PerfMeta>
  const goodResults = Array.isArray(results)
    ? results.filter(
        (item): item is LoadResult =>
          typeof item === 'object' && item !== null && typeof item.label === 'string',
      )
    : []
  const goodRows = Array.isArray(compliance)
    ? compliance.filter(
        (row): row is ComplianceRow =>
          typeof row === 'object' && row !== null && typeof row.metric === 'string',
      )
    : []
  if (goodResults.length === 0 && goodRows.length === 0) return undefined
  return { results: goodResults, compliance: goodRows }
}

/** What `buildReport` needs besides the tests. */
export interface ReportContext {
  /** When the run started (ms since the epoch); earlier test start times win (merged shards). */
  runStartedAt: number
  /** When the run ended (ms since the epoch). */
  runFinishedAt: number
  environment: PerfReport['environment']
  toolVersion: string
}

/**
 * Builds the report: one `ScenarioRecord` per `LoadResult`, carrying its test's identity and the
 * compliance rows recorded for its label; tests without a scenario go to `tests`.
 */
export function buildReport(tests: CollectedTest[], context: ReportContext): PerfReport {
  const scenarios: ScenarioRecord[] = []
  const others: PerfReport['tests'] = []

  for (const test of tests) {
    const results = test.perf?.results ?? []
    if (results.length === 0) {
      others.push(testEntry(test))
      continue
    }
    const rows = assignRows(results, test.perf?.compliance ?? [])
    results.forEach((result, index) => {
      scenarios.push({
        ...result,
        id: `${test.id}:${index}`,
        name: results.length === 1 ? test.name : `${test.name} > ${result.label}`,
        file: test.file,
        tags: test.tags,
        state: test.state,
        compliance: rows[index] ?? [],
      })
    })
  }

  const { startedAt, finishedAt } = runWindow(tests, context)
  const failed = scenarios.filter(scenario => !scenarioPassed(scenario)).length
  return {
    schemaVersion: 1,
    tool: { name: 'vitest-perf', version: context.toolVersion },
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    environment: context.environment,
    summary: {
      scenarios: scenarios.length,
      passed: scenarios.length - failed,
      failed,
      skipped: tests.filter(test => test.state === 'skipped').length,
    },
    scenarios,
    tests: others,
  }
}

/**
 * A scenario passes when its test did not fail and every objective recorded for it was met.
 * A skipped scenario counts as neither: it cannot be judged, so it is not a pass.
 */
export function scenarioPassed(scenario: ScenarioRecord): boolean {
  if (scenario.state === 'failed') return false
  return scenario.compliance.every(row => row.passed)
}

/** The report's overall verdict: every scenario passed and no other test failed. */
export function reportPassed(report: PerfReport): boolean {
  return (
    report.scenarios.every(scenarioPassed) && report.tests.every(test => test.state !== 'failed')
  )
}

// Rows are matched to results by the scenario label. A row whose label matches no result of the
// test (a matcher called on a derived value, a renamed scenario) belongs to the test's first
// result, so no verdict is ever lost from the report.
function assignRows(results: LoadResult[], rows: ComplianceRow[]): ComplianceRow[][] {
  const byResult: ComplianceRow[][] = results.map(() => [])
  for (const row of rows) {
    const index = results.findIndex(result => result.label === row.scenario)
    byResult[Math.max(index, 0)]?.push(row)
  }
  return byResult
}

function testEntry(test: CollectedTest): PerfReport['tests'][number] {
  const entry: PerfReport['tests'][number] = {
    id: test.id,
    name: test.name,
    file: test.file,
    tags: test.tags,
    state: test.state,
  }
  if (test.error) entry.error = test.error
  if (test.perf?.compliance.length) entry.compliance = test.perf.compliance
  return entry
}

// After `--merge-reports` the run itself lasts a second; the tests' own times say when the
// measured work happened, so they widen the window.
function runWindow(tests: CollectedTest[], context: ReportContext) {
  let startedAt = context.runStartedAt
  let finishedAt = context.runFinishedAt
  let merged = false
  for (const test of tests) {
    if (test.startTime === undefined || !(test.startTime > 0)) continue
    if (test.startTime < startedAt) {
      startedAt = test.startTime
      merged = true
    }
  }
  if (merged) {
    finishedAt = startedAt
    for (const test of tests) {
      if (test.startTime === undefined) continue
      finishedAt = Math.max(finishedAt, test.startTime + (test.durationMs ?? 0))
    }
  }
  return { startedAt, finishedAt }
}

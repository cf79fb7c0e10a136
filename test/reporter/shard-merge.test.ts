import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeFromCompressedBase64 } from 'hdr-histogram-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { PerfReport } from '../../src/types.js'
import { readReport, runFixture, type VitestRun } from './run-vitest.js'

// One live run and one sharded run merged, on the same fixture project, shared by the tests below.
const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-reporter-'))
let live: VitestRun
let liveReport: PerfReport
let merged: VitestRun
let mergedReport: PerfReport
let shards: VitestRun[]

beforeAll(async () => {
  const summary = join(dir, 'step-summary.md')
  const blobs = join(dir, 'blobs')
  ;[live, ...shards] = await Promise.all([
    runFixture(['--tags-filter=load'], {
      FIXTURE_OUT: join(dir, 'live'),
      GITHUB_STEP_SUMMARY: summary,
      NO_COLOR: '1',
    }),
    runFixture(
      [
        '--tags-filter=load',
        '--shard=1/2',
        '--reporter=blob',
        `--outputFile=${join(blobs, 'blob-1.json')}`,
      ],
      {},
    ),
    runFixture(
      [
        '--tags-filter=load',
        '--shard=2/2',
        '--reporter=blob',
        `--outputFile=${join(blobs, 'blob-2.json')}`,
      ],
      {},
    ),
  ])
  liveReport = readReport(join(dir, 'live', 'perf-report.json'))
  // The merge compares itself with the live run's report, named the way CI would: PERF_BASELINE.
  merged = await runFixture([`--merge-reports=${blobs}`], {
    FIXTURE_OUT: join(dir, 'merged'),
    NO_COLOR: '1',
    PERF_BASELINE: join(dir, 'live', 'perf-report.json'),
  })
  mergedReport = readReport(join(dir, 'merged', 'perf-report.json'))
}, 90_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a live run of the fixture project', () => {
  test('writes perf-report.json with one record per scenario, named after its test', () => {
    expect(live.code).toBe(1) // two fixture tests fail on purpose
    expect(liveReport.schemaVersion).toBe(1)
    expect(liveReport.tool.name).toBe('vitest-perf')
    expect(liveReport.scenarios.map(s => s.name)).toEqual([
      'alpha: GET /items meets its objectives',
      'alpha: two scenarios in one test > read',
      'alpha: two scenarios in one test > write',
      '<img src=x onerror=alert(1)>',
      'beta: secrets stay out of the report',
      'beta: a missed objective fails the test',
      'gamma: a real load against a loopback server',
    ])
    expect(new Set(liveReport.scenarios.map(s => s.id)).size).toBe(7)
    expect(liveReport.scenarios.every(s => s.file.endsWith('.fixture.ts'))).toBe(true)
    expect(liveReport.scenarios.every(s => s.tags.includes('load'))).toBe(true)
    // Skipped: the endurance test and the plain (untagged) test, both outside --tags-filter=load,
    // and one test skipped on purpose.
    expect(liveReport.summary).toEqual({ scenarios: 7, passed: 5, failed: 2, skipped: 3 })
  })

  test('matches compliance rows to their scenario by label and keeps the test state', () => {
    const byName = new Map(liveReport.scenarios.map(s => [s.name, s]))
    const read = byName.get('alpha: two scenarios in one test > read')!
    const write = byName.get('alpha: two scenarios in one test > write')!
    expect(read.compliance.map(row => [row.metric, row.passed])).toEqual([['p99', true]])
    expect(write.compliance.map(row => [row.metric, row.passed])).toEqual([['p95', false]])
    expect(write.state).toBe('passed')
    expect(read.model).toBe('open')
    expect(read.correctedLatencyMs?.p99).toBeGreaterThan(read.latencyMs.p99)

    const failed = byName.get('beta: a missed objective fails the test')!
    expect(failed.state).toBe('failed')
    expect(failed.latencyMs.p95).toBeGreaterThan(100)
    expect(failed.host?.saturated).toBe(true)
  })

  test('a real load() result is in the report, its URL and headers redacted', () => {
    const real = liveReport.scenarios.find(s => s.name.startsWith('gamma'))!
    expect(real.label).toBe('GET /health')
    expect(real.target).toMatchObject({ kind: 'http', method: 'GET' })
    expect(real.target.kind === 'http' && real.target.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/health\?token=\[redacted\]$/,
    )
    expect(real.requests.total).toBeGreaterThan(0)
    expect(real.timeline.length).toBeGreaterThan(0)
    for (const file of ['perf-report.json', 'perf-report.html']) {
      expect(readFileSync(join(dir, 'live', file), 'utf8')).not.toContain('SECRET')
    }
  })

  test('lists skipped tests (also those filtered out by tag) and tests that failed without a scenario', () => {
    const tests = new Map(liveReport.tests.map(t => [t.name, t]))
    expect(tests.get('alpha: soak is filtered out by tag')).toMatchObject({
      state: 'skipped',
      tags: ['endurance'],
    })
    expect(tests.get('beta: skipped on purpose')?.state).toBe('skipped')
    expect(tests.get('beta: failed before any load ran')).toMatchObject({
      state: 'failed',
      error: 'connection refused at http://127.0.0.1:9/?password=[redacted]',
    })
  })

  test('prints a plain-text summary table when not on a terminal', () => {
    const start = live.stdout.indexOf('\nPerformance\n')
    expect(start).toBeGreaterThan(-1)
    const summary = live.stdout.slice(start)
    expect(summary).not.toContain('\u001b[')
    expect(summary).toMatch(
      /scenario\s+tags\s+requests\s+req\/s\s+p50\s+p95\s+p99\s+success\s+objectives\s+host/,
    )
    expect(summary).toMatch(/\n {2}write\s+load\s+6,000\s+200\s+[\d.]+ ms.*p95 ✗/)
    expect(summary).toContain(
      'FAIL 7 scenarios, 5 passed, 2 failed, 3 tests skipped, 1 other test failed',
    )
    expect(summary).toContain(
      '⚠ beta: a missed objective fails the test: load generator saturated; latency is inflated\n    event-loop utilisation 98% (above 90%)\n',
    )
    expect(summary).toContain(join(dir, 'live', 'perf-report.html'))
  })

  test('appends a Markdown compliance table to GITHUB_STEP_SUMMARY', () => {
    const markdown = readFileSync(join(dir, 'step-summary.md'), 'utf8')
    expect(markdown).toContain('## Fixture run: ❌ fail')
    expect(markdown).toContain('| scenario | p50 | p95 | p99 | success | throughput | verdict |')
    expect(markdown).toMatch(
      /\| alpha: two scenarios in one test &gt; write \| [\d.]+ ms \| ❌ [\d.]+ ms \/ ≤ 10 ms \|/,
    )
    expect(markdown).toContain('| &lt;img src=x onerror=alert(1)&gt; |')
  })
})

describe('two shards with the blob reporter, merged', () => {
  test('each shard ran only part of the project and wrote no report of its own', () => {
    expect(shards.map(run => run.code).sort()).toEqual([0, 1])
    expect(readdirSync(join(dir, 'blobs')).sort()).toEqual(['blob-1.json', 'blob-2.json'])
    expect(existsSync(join(dir, 'live', 'perf-report.html'))).toBe(true)
  })

  test('the merged report holds every scenario of both shards, with the same figures as the live run', () => {
    expect(merged.code).toBe(1)
    const who = (report: PerfReport) => report.scenarios.map(s => [s.id, s.name, s.tags, s.state])
    expect(who(mergedReport)).toEqual(who(liveReport))
    expect(mergedReport.summary).toEqual(liveReport.summary)
    expect(mergedReport.tests.map(t => [t.name, t.state])).toEqual(
      liveReport.tests.map(t => [t.name, t.state]),
    )

    // The synthetic scenarios are the same in every run: their figures and histograms survive
    // the blob round trip exactly, so results still merge exactly.
    const synthetic = (report: PerfReport) =>
      report.scenarios
        .filter(s => !s.name.startsWith('gamma'))
        .map(s => [s.latencyMs, s.requests, s.compliance, s.timeline, s.histogram, s.host])
    expect(synthetic(mergedReport)).toEqual(synthetic(liveReport))

    // The real load ran again in its shard: its own, consistent figures came through.
    const real = mergedReport.scenarios.find(s => s.name.startsWith('gamma'))!
    expect(real.requests.total).toBeGreaterThan(0)
    expect(real.requests.failed).toBe(0)
    expect(real.compliance.map(row => [row.metric, row.passed])).toEqual([
      ['p99', true],
      ['successRate', true],
    ])
    expect(decodeFromCompressedBase64(real.histogram).totalCount).toBeGreaterThan(0)
  })

  test('PERF_BASELINE compares every scenario with the previous report', () => {
    expect(liveReport.scenarios.every(s => s.baseline === undefined)).toBe(true)
    for (const scenario of mergedReport.scenarios) {
      expect(scenario.baseline, scenario.name).toBeTruthy()
      if (scenario.name.startsWith('gamma')) continue // a real run differs from run to run
      // Identical timelines: no change, and the verdict says so; a saturated generator's
      // latency is not judged at all.
      const verdict = scenario.host?.saturated ? 'inconclusive' : 'unchanged'
      expect(scenario.baseline).toMatchObject({ changePct: 0, verdict })
    }
    const html = readFileSync(join(dir, 'merged', 'perf-report.html'), 'utf8')
    expect(html).toContain('<th>vs baseline</th>')
  })

  test('the merged run prints the summary and writes the HTML report too', () => {
    expect(merged.stdout).toContain('FAIL 7 scenarios, 5 passed, 2 failed, 3 tests skipped')
    const html = readFileSync(join(dir, 'merged', 'perf-report.html'), 'utf8')
    expect(html.match(/<tr data-scenario=/g)?.length).toBe(7)
  })
})

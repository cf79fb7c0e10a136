import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  compareToBaseline,
  findBaselineScenario,
  readBaselineReport,
} from '../../src/insights/index.js'
import { runLoad } from '../../src/load/index.js'
import type { LoadResult, PerfReport, ScenarioRecord } from '../../src/types.js'
import { startDelayServer, type TestServer } from '../support/servers.js'

// Real runs of the engine against loopback delay servers: a fixture answering after 40 ms,
// and the same fixture made 30% slower (52 ms). Each run: 5 connections, 1 s of warm-up,
// 6 s measured, so each side has 6 per-second p50 samples. About 21 s in all.
const RUN = { connections: 5, duration: '6s', warmup: '1s', name: 'GET /fixture' } as const

describe('baseline comparison on real runs', () => {
  let fixture: TestServer
  let slower: TestServer
  let baseline: LoadResult
  let repeat: LoadResult
  let slowed: LoadResult

  beforeAll(async () => {
    fixture = await startDelayServer(40)
    slower = await startDelayServer(52)
    baseline = await runLoad({ ...RUN, url: `${fixture.url}/` })
    repeat = await runLoad({ ...RUN, url: `${fixture.url}/` })
    slowed = await runLoad({ ...RUN, url: `${slower.url}/` })
  }, 45_000)

  afterAll(async () => {
    await fixture?.close()
    await slower?.close()
  })

  it('judges two runs of the same fixture at the same settings unchanged', () => {
    const comparison = compareToBaseline(repeat, baseline)
    expect(comparison.samples!.before).toBeGreaterThanOrEqual(5)
    expect(comparison.samples!.after).toBeGreaterThanOrEqual(5)
    expect(comparison.before).toBeGreaterThan(39)
    expect(comparison.verdict).toBe('unchanged')
    expect(Math.abs(comparison.changePct)).toBeLessThan(5)
  })

  it('judges the fixture made 30% slower regressed, with the change inside its interval', () => {
    const comparison = compareToBaseline(slowed, baseline)
    expect(comparison.verdict).toBe('regressed')
    expect(comparison.pValue).toBeLessThan(0.05)
    // 52 ms against 40 ms of delay, plus the same small overhead on both: about +28%.
    expect(comparison.changePct).toBeGreaterThan(20)
    expect(comparison.changePct).toBeLessThan(35)
    expect(comparison.ciPct[0]).toBeLessThanOrEqual(comparison.changePct)
    expect(comparison.ciPct[1]).toBeGreaterThanOrEqual(comparison.changePct)
    // And the other way round it is an improvement.
    expect(compareToBaseline(baseline, slowed).verdict).toBe('improved')
  })

  it('finds the baseline through a perf-report.json written to disk, as PERF_BASELINE does', () => {
    const record: ScenarioRecord = {
      ...baseline,
      id: 'abc_0#0',
      name: 'fixture > load',
      file: 'perf/fixture.perf.ts',
      tags: ['load'],
      state: 'passed',
      compliance: [],
    }
    const report: PerfReport = {
      schemaVersion: 1,
      tool: { name: 'vitest-perf', version: '0.1.0' },
      startedAt: baseline.startedAt,
      finishedAt: baseline.startedAt,
      environment: {
        node: process.version,
        os: process.platform,
        cpus: 2,
        cpuModel: 'test',
        memoryBytes: 0,
        baseUrl: fixture.url,
        ci: false,
      },
      summary: { scenarios: 1, passed: 1, failed: 0, skipped: 0 },
      scenarios: [record],
      tests: [],
    }
    const path = join(mkdtempSync(join(tmpdir(), 'insights-runs-')), 'perf-report.json')
    writeFileSync(path, JSON.stringify(report))

    const before = findBaselineScenario(readBaselineReport(path), {
      label: slowed.label,
      name: 'fixture > load',
    })
    expect(before).not.toBeNull()
    expect(compareToBaseline(slowed, before!).verdict).toBe('regressed')
  })
})

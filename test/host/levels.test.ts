import { describe, expect, it } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import {
  classify,
  defaultLevels,
  judge,
  judgeResourceLevel,
  validateLevels,
} from '../../src/slo/levels.js'
import type { HostSummary, ResourceJudgement } from '../../src/types.js'

describe('defaultLevels', () => {
  it('are the documented percent bounds', () => {
    expect(defaultLevels).toEqual({
      cpu: { normal: 40, warning: 70, critical: 85 },
      memory: { normal: 60, warning: 75, critical: 90 },
      disk: { normal: 70, warning: 80, critical: 95 },
    })
  })
})

describe('classify', () => {
  const cpu = defaultLevels.cpu

  it('puts each boundary in the upper level and just below it in the lower', () => {
    expect(classify(0, cpu)).toBe('normal')
    expect(classify(39.99, cpu)).toBe('normal')
    expect(classify(40, cpu)).toBe('elevated')
    expect(classify(69.99, cpu)).toBe('elevated')
    expect(classify(70, cpu)).toBe('warning')
    expect(classify(84.99, cpu)).toBe('warning')
    expect(classify(85, cpu)).toBe('critical')
    expect(classify(100, cpu)).toBe('critical')
  })

  it('follows the memory and disk tables', () => {
    expect(classify(59.9, defaultLevels.memory)).toBe('normal')
    expect(classify(75, defaultLevels.memory)).toBe('warning')
    expect(classify(89.9, defaultLevels.memory)).toBe('warning')
    expect(classify(90, defaultLevels.memory)).toBe('critical')
    expect(classify(70, defaultLevels.disk)).toBe('elevated')
    expect(classify(95, defaultLevels.disk)).toBe('critical')
  })
})

describe('validateLevels', () => {
  it('fills what is left out from the defaults', () => {
    const table = validateLevels({
      cpu: { warning: 60 },
      disk: { normal: 50, warning: 60, critical: 99 },
    })
    expect(table.cpu).toEqual({ normal: 40, warning: 60, critical: 85 })
    expect(table.memory).toEqual(defaultLevels.memory)
    expect(table.disk).toEqual({ normal: 50, warning: 60, critical: 99 })
    expect(validateLevels()).toEqual(defaultLevels)
  })

  it('rejects bounds that do not increase, naming resource and key', () => {
    expect(() => validateLevels({ cpu: { normal: 70, warning: 70, critical: 85 } })).toThrow(
      /levels\.cpu\.warning: got 70; levels must increase/,
    )
    expect(() => validateLevels({ memory: { critical: 70 } })).toThrow(
      /levels\.memory\.critical: got 70/,
    )
    const error = captured(() => validateLevels({ disk: { warning: 96 } }))
    expect(error).toBeInstanceOf(PerfConfigError)
    expect((error as PerfConfigError).option).toBe('levels.disk.critical')
  })

  it('rejects values outside 0..100, NaN, unknown resources and keys', () => {
    expect(() => validateLevels({ cpu: { critical: 101 } })).toThrow(
      /levels\.cpu\.critical: got 101; allowed: a percent from 0 to 100/,
    )
    expect(() => validateLevels({ cpu: { normal: -1 } })).toThrow(/levels\.cpu\.normal: got -1/)
    expect(() => validateLevels({ memory: { warning: Number.NaN } })).toThrow(
      /levels\.memory\.warning: got NaN/,
    )
    expect(() => validateLevels({ disk: { warning: '80' } })).toThrow(
      /levels\.disk\.warning: got "80"/,
    )
    expect(() => validateLevels({ gpu: { normal: 1 } })).toThrow(
      /levels\.gpu: .*unknown resource "gpu"; allowed: cpu, memory, disk/,
    )
    expect(() => validateLevels({ cpu: { high: 90 } })).toThrow(
      /levels\.cpu\.high: got 90; allowed keys/,
    )
    expect(() => validateLevels({ cpu: 50 })).toThrow(/levels\.cpu: got 50/)
    expect(() => validateLevels([])).toThrow(PerfConfigError)
  })
})

describe('judge', () => {
  // 1..100: nearest-rank p95 is 95, mean 50.5, max 100.
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1)

  it('judges on the nearest-rank 95th percentile by default, with peak and mean beside it', () => {
    const judgement = judge(hundred, defaultLevels.cpu)
    expect(judgement).toMatchObject({ value: 95, basis: 'p95', p95: 95, peak: 100, mean: 50.5 })
    expect(judgement?.level).toBe('critical')
    expect(judgement?.samples).toBe(100)
  })

  it('can judge on the mean or the max instead', () => {
    expect(judge(hundred, defaultLevels.cpu, 'mean')).toMatchObject({
      value: 50.5,
      level: 'elevated',
    })
    expect(judge(hundred, defaultLevels.memory, 'max')).toMatchObject({
      value: 100,
      level: 'critical',
    })
  })

  it('ignores unavailable samples and returns null when none is left', () => {
    expect(judge([null, 10, null, 30], defaultLevels.cpu)).toMatchObject({
      value: 30,
      peak: 30,
      mean: 20,
    })
    expect(judge([null, null], defaultLevels.cpu)).toBeNull()
    expect(judge([], defaultLevels.cpu)).toBeNull()
  })

  it('lets one spike in twenty samples through the p95 but not the peak', () => {
    const samples = [...Array(19).fill(30), 99]
    const judgement = judge(samples, defaultLevels.cpu)
    expect(judgement).toMatchObject({ value: 30, peak: 99, level: 'normal' })
    expect(judge([...Array(18).fill(30), 99, 99], defaultLevels.cpu)?.level).toBe('critical')
  })
})

describe('judgeResourceLevel', () => {
  const host = summary({
    cpu: judge([...Array(19).fill(72), 91], defaultLevels.cpu),
    memory: judge([50, 55], defaultLevels.memory),
    disk: null,
  })

  it('fails when a resource reached the level, naming its p95, peak and threshold', () => {
    const verdict = judgeResourceLevel(host, 'warning')
    expect(verdict.passed).toBe(false)
    expect(verdict.message).toContain('cpu p95 72%, peak 91% reached warning (threshold 70%)')
    expect(verdict.message).not.toContain('memory p95')
    expect(verdict.rows).toEqual([
      {
        scenario: 'host',
        metric: 'cpu',
        target: 70,
        actual: 72,
        unit: '%',
        comparator: '<',
        passed: false,
      },
      {
        scenario: 'host',
        metric: 'memory',
        target: 75,
        actual: 55,
        unit: '%',
        comparator: '<',
        passed: true,
      },
    ])
  })

  it('passes at a level no resource reached and says what was seen', () => {
    const verdict = judgeResourceLevel(host, 'critical')
    expect(verdict.passed).toBe(true)
    expect(verdict.message).toContain('cpu p95 72%, peak 91% < 85%')
    expect(verdict.rows.map(row => row.passed)).toEqual([true, true])
  })

  it('judges only the resources asked for, and fails one that could not be measured', () => {
    expect(judgeResourceLevel(host, 'warning', ['memory']).passed).toBe(true)
    const verdict = judgeResourceLevel(host, 'warning', ['disk'])
    expect(verdict.passed).toBe(false)
    expect(verdict.message).toContain('disk could not be measured')
    expect(verdict.rows[0]).toMatchObject({ metric: 'disk', actual: null, passed: false })
  })

  it('treats elevated as reaching the normal bound', () => {
    const verdict = judgeResourceLevel(host, 'elevated', ['memory'])
    expect(verdict.passed).toBe(true)
    expect(verdict.rows[0]?.target).toBe(60)
    expect(judgeResourceLevel(host, 'elevated', ['cpu']).rows[0]?.target).toBe(40)
  })

  it('names the basis when the level is judged on the mean', () => {
    const mean = summary({
      cpu: judge([10, 20, 90, 90], defaultLevels.cpu, 'mean'),
      memory: null,
      disk: null,
    })
    const verdict = judgeResourceLevel(mean, 'warning')
    expect(verdict.passed).toBe(true)
    expect(verdict.message).toContain('cpu mean 52.5%, p95 90%, peak 90% < 70%')
    expect(judgeResourceLevel(mean, 'elevated').message).toContain(
      'reached elevated (threshold 40%)',
    )
  })

  it('rejects a level of normal and unknown resources', () => {
    expect(() => judgeResourceLevel(host, 'normal')).toThrow(PerfConfigError)
    expect(() => judgeResourceLevel(host, 'warning', ['gpu'])).toThrow(/resources: got "gpu"/)
    expect(() => judgeResourceLevel(host, 'warning', [])).toThrow(PerfConfigError)
  })
})

function summary(judgements: {
  cpu: ResourceJudgement | null
  memory: ResourceJudgement | null
  disk: ResourceJudgement | null
}): HostSummary {
  return {
    intervalMs: 1000,
    sampleCount: 20,
    ...judgements,
    eventLoop: { delayMs: { p50: 0, p99: 0, max: 0 }, utilization: 0 },
    saturated: false,
    saturationReason: null,
    unavailable: [],
    samples: [],
  }
}

function captured(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

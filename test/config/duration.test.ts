import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration, parseEnvDuration } from '../../src/config/duration.js'
import { PerfConfigError } from '../../src/errors.js'

describe('parseDuration', () => {
  it('reads numbers as milliseconds and strings with units', () => {
    expect(parseDuration(1500, 'duration')).toBe(1500)
    expect(parseDuration('500ms', 'duration')).toBe(500)
    expect(parseDuration('30s', 'duration')).toBe(30_000)
    expect(parseDuration('2m', 'duration')).toBe(120_000)
    expect(parseDuration('1h30m', 'duration')).toBe(5_400_000)
    expect(parseDuration('1.5s', 'duration')).toBe(1500)
  })

  it('rejects what it cannot read, naming the option and the value', () => {
    for (const bad of ['10 parsecs', '', 's', '-5s', -1, Number.NaN, {}]) {
      expect(() => parseDuration(bad as string, 'warmup')).toThrow(PerfConfigError)
    }
    expect(() => parseDuration('ten seconds', 'warmup')).toThrow(
      /warmup: got "ten seconds"; allowed/,
    )
  })
})

describe('parseEnvDuration', () => {
  it('reads durations with units and refuses a bare number, listing only what text can hold', () => {
    expect(parseEnvDuration(' 10m ', 'PERF_ENDURANCE_DURATION')).toBe(600_000)
    expect(parseEnvDuration('1h30m', 'PERF_ENDURANCE_DURATION')).toBe(5_400_000)
    for (const bad of ['10', '2.5', 'ten', '', '-5s']) {
      expect(() => parseEnvDuration(bad, 'PERF_ENDURANCE_DURATION')).toThrow(
        /^PERF_ENDURANCE_DURATION: got ".*"; allowed: a duration with its unit, such as '500ms', '90s'/,
      )
    }
  })
})

describe('the longest duration is the longest a Node.js timer can wait', () => {
  it('refuses more than 2147483647 ms, from options and from the environment alike', () => {
    expect(parseDuration(2_147_483_647, 'duration')).toBe(2_147_483_647)
    expect(parseEnvDuration('48h', 'PERF_ENDURANCE_DURATION')).toBe(172_800_000)
    expect(() => parseDuration(2_147_483_648, 'duration')).toThrow(
      'duration: got 2147483648; allowed: at most 24.8 days (2147483647 ms)',
    )
    expect(() => parseEnvDuration('600h', 'PERF_ENDURANCE_DURATION')).toThrow(
      'PERF_ENDURANCE_DURATION: got "600h"; allowed: at most 24.8 days (2147483647 ms)',
    )
  })
})

describe('formatDuration', () => {
  it('renders milliseconds for people', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(12_500)).toBe('12.5 s')
    expect(formatDuration(200_000)).toBe('3 m 20 s')
  })
})

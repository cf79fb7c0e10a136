import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger, logLevelFromEnv } from '../../src/config/logger.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('PERFORMANCE_LOG_LEVEL', () => {
  it('picks the level in any case, and means warn when unset or empty', () => {
    vi.stubEnv('PERFORMANCE_LOG_LEVEL', 'DEBUG')
    expect(logLevelFromEnv()).toBe('debug')
    vi.stubEnv('PERFORMANCE_LOG_LEVEL', 'silent')
    expect(logLevelFromEnv()).toBe('silent')
    vi.stubEnv('PERFORMANCE_LOG_LEVEL', '')
    expect(logLevelFromEnv()).toBe('warn')
  })

  it('says what is allowed when the value is unknown, and uses warn', () => {
    vi.stubEnv('PERFORMANCE_LOG_LEVEL', 'verbose')
    const told: string[] = []
    expect(logLevelFromEnv(message => told.push(message))).toBe('warn')
    expect(told).toEqual([
      'PERFORMANCE_LOG_LEVEL: got "verbose"; allowed: debug, info, warn, error, silent; using warn',
    ])
  })
})

describe('createLogger', () => {
  it('writes the messages at or above its level, with their fields', () => {
    const lines: string[] = []
    const log = createLogger('info', line => lines.push(line))
    log.debug('hidden')
    log.info('probe done', { endpoint: 'health', ms: 2.5 })
    log.warn('no fields', {})
    log.error('failed')
    expect(lines).toEqual([
      '[vitest-perf] info probe done {"endpoint":"health","ms":2.5}',
      '[vitest-perf] warn no fields',
      '[vitest-perf] error failed',
    ])
  })

  it('writes nothing when silent', () => {
    const lines: string[] = []
    const log = createLogger('silent', line => lines.push(line))
    log.error('failed')
    expect(lines).toEqual([])
  })
})

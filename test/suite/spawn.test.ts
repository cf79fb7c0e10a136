import { expect, test } from 'vitest'
import { spawnService } from '../../fixtures/service.js'
import { alive } from '../support/processes.js'

test('spawnService starts the service in a child on a free loopback port and stops it', async () => {
  const service = await spawnService({ faults: 'think:error=1' })
  try {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(service.pid).not.toBe(process.pid)
    expect(alive(service.pid)).toBe(true)

    const health = await fetch(`${service.url}/health`)
    expect(health.status).toBe(200)
    const think = await fetch(`${service.url}/api/v1/coordinator/think`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'p' }),
    })
    expect(think.status).toBe(500)
    await think.text()
  } finally {
    await service.stop()
  }
  expect(alive(service.pid)).toBe(false)
})

test('a bad fault spec makes spawnService fail with the service message', async () => {
  await expect(spawnService({ faults: 'think:slow=fast' })).rejects.toThrow(
    /did not start.*\n.*PERF_FIXTURE_FAULTS: got "think:slow=fast"/,
  )
})

test('a port already in use is reported, not hung on', async () => {
  const first = await spawnService({ faults: '' })
  try {
    const port = new URL(first.url).port
    await expect(spawnService({ port: Number(port), faults: '' })).rejects.toThrow(/EADDRINUSE/)
  } finally {
    await first.stop()
  }
})

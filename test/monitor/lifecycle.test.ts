import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMonitor } from '../../src/monitor/index.js'
import type { TestServer } from '../support/servers.js'
import { startDelayServer } from '../support/servers.js'
import { refused } from './helpers.js'

let target: TestServer

beforeAll(async () => {
  target = await startDelayServer()
})

afterAll(async () => {
  await target.close()
})

function monitor() {
  return createMonitor({
    port: 0,
    intervalMs: 100,
    hostResources: false,
    alerts: { notifiers: [] },
    endpoints: [{ name: 'api', url: `${target.url}/api` }],
  })
}

describe('monitor start and stop', () => {
  it('stop() called while start() is in progress leaves nothing listening or sampling', async () => {
    const m = monitor()
    const started = m.start()
    await m.stop()
    const url = await started
    const samples = m.health().samples
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(await refused(url)).toBe(true)
    expect(m.health().samples).toBe(samples)
  })

  it('start() twice gives one URL, and start() after stop() is refused', async () => {
    const m = monitor()
    const [first, second] = await Promise.all([m.start(), m.start()])
    expect(second).toBe(first)
    await m.stop()
    await expect(m.start()).rejects.toThrow(/has been stopped; create a new one/)
    expect(await refused(first)).toBe(true)
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { engineProbe } from '../../src/monitor/index.js'
import type { ResolvedEndpoint } from '../../src/monitor/types.js'
import type { TestServer } from '../support/servers.js'
import { startDelayServer, startSilentServer } from '../support/servers.js'

function endpointAt(url: string): ResolvedEndpoint {
  return { name: 'api', method: 'GET', url, headers: {}, body: null, objectives: {} }
}

describe('the default probe', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('warms an endpoint up with one uncounted request, once per endpoint', async () => {
    server = await startDelayServer(0)
    const endpoint = endpointAt(`${server.url}/health`)
    const options = { requests: 3, timeoutMs: 1000 }

    const first = await engineProbe(endpoint, options, new AbortController().signal)
    expect(server.received).toBe(4)
    expect(first).toMatchObject({ requests: 3, availability: 100, statusCodes: { '200': 3 } })

    const second = await engineProbe(endpoint, options, new AbortController().signal)
    expect(server.received).toBe(7)
    expect(second.requests).toBe(3)
  })

  it('ends a first probe of a hanging target well inside the sampler backstop', async () => {
    server = await startSilentServer()
    const endpoint = endpointAt(server.url)
    const options = { requests: 2, timeoutMs: 400 }

    const started = performance.now()
    const snapshot = await engineProbe(endpoint, options, new AbortController().signal)
    const elapsed = performance.now() - started

    expect(snapshot).toMatchObject({ requests: 2, availability: 0, errors: { timeout: 2 } })
    expect(snapshot.p50).toBeNull()
    // The warm-up waits at most half the timeout, the probe its timeout: under timeout + 1 s.
    expect(elapsed).toBeLessThan(options.timeoutMs + 1000)
  })
})

import { runLoad } from '../load/index.js'
import type { LoadResult } from '../types.js'
import type { EndpointSnapshot, ProbeOptions, ResolvedEndpoint } from './types.js'

/** Probes one endpoint; the sampler calls it once per endpoint per interval. */
export type Probe = (
  endpoint: ResolvedEndpoint,
  options: Required<ProbeOptions>,
  signal: AbortSignal,
) => Promise<EndpointSnapshot>

/** Error kinds that mean the target did not answer (rather than answered badly). */
const UNREACHABLE = ['timeout', 'ECONNREFUSED', 'ECONNRESET', 'dns', 'EHOSTUNREACH', 'ENETUNREACH']

/**
 * Longest wait for the one-time warm-up request, ms; also at most half the probe's timeout, so
 * a first probe of a hanging target still ends before the sampler's backstop (timeout + 1 s).
 */
const WARM_UP_TIMEOUT_MS = 500

/** Endpoints already warmed up in this process. */
const warmed = new WeakSet<ResolvedEndpoint>()

/**
 * The default probe: a short closed-model run through the engine's `runLoad`, with
 * `requests` connections sending one request each at the same time. At once rather than one
 * after another, so a hanging target costs one request timeout per interval, not `requests`
 * of them. Latency runs from each request's write on a connected socket (the engine's raw
 * latency), so the new connections a probe opens every interval do not read as a slow service.
 *
 * The first probe of an endpoint in a process is preceded by one request whose result is
 * dropped: the first requests a process sends run through cold code and read several times
 * slower, enough to put a healthy endpoint's latency alert into pending at start-up.
 */
export const engineProbe: Probe = async (endpoint, options, signal) => {
  const scenario = {
    name: endpoint.name,
    url: endpoint.url,
    method: endpoint.method,
    headers: endpoint.headers,
    ...(endpoint.body === null ? {} : { body: endpoint.body }),
    signal,
  }
  if (!warmed.has(endpoint)) {
    warmed.add(endpoint)
    await runLoad({
      ...scenario,
      connections: 1,
      iterations: 1,
      timeout: Math.min(options.timeoutMs / 2, WARM_UP_TIMEOUT_MS),
    })
  }
  const result = await runLoad({
    ...scenario,
    connections: options.requests,
    iterations: options.requests,
    timeout: options.timeoutMs,
  })
  return snapshotOf(endpoint, result)
}

/** An endpoint's interval from a load result. */
export function snapshotOf(endpoint: ResolvedEndpoint, result: LoadResult): EndpointSnapshot {
  const completed = result.requests.total
  // Latency exists only for requests that got a response: timeouts and refused connections
  // leave the histogram empty, and its zeros must not read as a fast endpoint.
  const responses = Object.values(result.statusCodes).reduce((sum, n) => sum + n, 0)
  const measured = responses > 0
  return {
    name: endpoint.name,
    method: endpoint.method,
    url: redactUrl(endpoint.url),
    p50: measured ? round(result.latencyMs.p50) : null,
    p95: measured ? round(result.latencyMs.p95) : null,
    p99: measured ? round(result.latencyMs.p99) : null,
    availability: completed > 0 ? round((result.requests.succeeded / completed) * 100) : null,
    requests: completed,
    statusCodes: { ...result.statusCodes },
    errors: { ...result.errors },
    probeError: null,
    objectives: endpoint.objectives,
  }
}

/** The interval of a probe that failed as a whole (threw, or ran past its deadline). */
export function failedSnapshot(
  endpoint: ResolvedEndpoint,
  requests: number,
  kind: string,
  reason: string,
): EndpointSnapshot {
  return {
    name: endpoint.name,
    method: endpoint.method,
    url: redactUrl(endpoint.url),
    p50: null,
    p95: null,
    p99: null,
    availability: 0,
    requests,
    statusCodes: {},
    errors: { [kind]: requests },
    probeError: reason,
    objectives: endpoint.objectives,
  }
}

/**
 * Why the target could not be probed at all, for `/health`, or null when at least one probe
 * request got a response. A slow or failing answer is the service's problem (alerts report
 * it); no answer at all means the monitor cannot watch the endpoint.
 */
export function unreachableReason(snapshot: EndpointSnapshot, timeoutMs: number): string | null {
  if (snapshot.probeError) return snapshot.probeError
  const responses = Object.values(snapshot.statusCodes).reduce((sum, n) => sum + n, 0)
  if (responses > 0 || snapshot.requests === 0) return null

  const failed = Object.entries(snapshot.errors)
  const kinds = failed.map(([kind, n]) => `${kind} ${n}`).join(', ') || 'no response'
  const allTimedOut = failed.length === 1 && failed[0]?.[0] === 'timeout'
  const hanging = allTimedOut ? `; the target did not answer within ${timeoutMs} ms (hanging?)` : ''
  const known = failed.every(([kind]) => UNREACHABLE.includes(kind)) ? '' : ' without a response'
  return `all ${snapshot.requests} probe requests to ${snapshot.method} ${snapshot.url} failed${known} (${kinds})${hanging}`
}

/** Drops credentials and the query string: they may hold secrets, and the URL is served. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    parsed.search = ''
    return parsed.href
  } catch {
    return '(invalid url)'
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

import { inject } from 'vitest'
import type { load, RecordHostOptions } from '../src/index.js'
import type { EndpointLabel } from './objectives.js'
import './context.js'
import { endpointRequests } from './endpoints.js'
import { resourceLevels } from './objectives.js'

/** What `load()` takes: a scenario plus the host recorder's options. */
export type LoadOptions = Parameters<typeof load>[0]

/** The base URL the global setup provided: the fixture service, or `PERF_BASE_URL`. */
export function baseUrl(): string {
  return inject('baseUrl')
}

/**
 * Host recorder options for every scenario: the service's resource levels, and the service's
 * PID when this run started it, so its own CPU and memory are sampled beside the host's.
 */
export function hostOptions(): RecordHostOptions {
  const pid = inject('servicePid')
  return { levels: resourceLevels, ...(pid ? { pids: [pid] } : {}) }
}

/**
 * A scenario against one endpoint of the table: its label (so objectives are picked by it),
 * its requests, the base URL and the host recorder, plus the model options in `shape`.
 */
export function endpointScenario(label: EndpointLabel, shape: Partial<LoadOptions>): LoadOptions {
  return {
    name: label,
    baseUrl: baseUrl(),
    requests: endpointRequests[label],
    host: hostOptions(),
    ...shape,
  }
}

import type { TestProject } from 'vitest/node'
import type { SpawnedService } from '../fixtures/service.js'
import './context.js'
import { request } from 'undici'
import { spawnService } from '../fixtures/service.js'
import { parseEnvDuration } from '../src/config/duration.js'
import { loadEnv } from '../src/config/env.js'
import { logger } from '../src/config/logger.js'
import { PerfConfigError } from '../src/errors.js'

/** How long the reachability check of an external base URL waits, ms. */
const REACH_TIMEOUT_MS = 5000

/**
 * The perf project's global setup. With `PERF_BASE_URL` (or `SUTAZAI_BASE_URL`) set, in the
 * environment or `.env`, it checks at once that the service answers and stops the whole run if
 * it does not, rather than letting every scenario time out one after another. Without one, it
 * starts the bundled fixture service as a child process on a free loopback port and stops it
 * when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    return await start(project)
  } catch (error) {
    throw error instanceof PerfConfigError ? withoutStack(error) : error
  }
}

/**
 * Vitest prints a global setup's error with its stack, which for a wrong setting the user
 * must fix says nothing but where this file noticed it: the message alone is kept.
 */
function withoutStack<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}`
  return error
}

async function start(project: TestProject): Promise<() => Promise<void>> {
  loadEnv()
  // The endurance file reads it when collected, which would report a bad value as a failed
  // file after the other scenarios have run, even under a filter that leaves endurance out.
  const soak = process.env.PERF_ENDURANCE_DURATION?.trim()
  if (soak) parseEnvDuration(soak, 'PERF_ENDURANCE_DURATION')
  const configured = configuredBaseUrl()

  if (configured) {
    await assertReachable(configured.name, configured.url)
    project.provide('baseUrl', configured.url)
    project.provide('servicePid', null)
    logger().info('perf scenarios target an external service', { baseUrl: configured.url })
    return async () => {}
  }

  const service: SpawnedService = await spawnService()
  project.provide('baseUrl', service.url)
  project.provide('servicePid', service.pid)
  // Also as PERF_BASE_URL, for the report's header and for scenarios that leave out baseUrl.
  const previous = process.env.PERF_BASE_URL
  process.env.PERF_BASE_URL = service.url
  logger().info('perf scenarios target the fixture service', {
    baseUrl: service.url,
    pid: service.pid,
  })
  return async () => {
    await service.stop()
    if (previous === undefined) delete process.env.PERF_BASE_URL
    else process.env.PERF_BASE_URL = previous
  }
}

/** The base URL from the environment and the variable it came from, or undefined. */
function configuredBaseUrl(): { name: string; url: string } | undefined {
  for (const name of ['PERF_BASE_URL', 'SUTAZAI_BASE_URL']) {
    const value = process.env[name]?.trim()
    if (!value) continue
    if (!/^https?:\/\//i.test(value)) {
      throw new PerfConfigError(
        name,
        `${name}: got ${JSON.stringify(value)}; allowed: an http:// or https:// URL such as http://127.0.0.1:8000`,
      )
    }
    return { name, url: value.replace(/\/+$/, '') }
  }
  return undefined
}

/** Any HTTP answer counts as reachable; a refused connection, DNS failure or timeout does not. */
async function assertReachable(name: string, url: string): Promise<void> {
  try {
    // undici rather than fetch: fetch refuses some ports outright ("bad port"), the engine does not.
    const response = await request(url, { signal: AbortSignal.timeout(REACH_TIMEOUT_MS) })
    await response.body.dump()
  } catch (error) {
    const unreachable = new Error(
      `${name}=${url} is unreachable (${reason(error)}). Start the service, correct ${name}, ` +
        'or unset it to run against the bundled fixture service.',
    )
    throw withoutStack(unreachable)
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if (cause?.code) return cause.code
  if ((error as Error).name === 'TimeoutError') return `no answer within ${REACH_TIMEOUT_MS} ms`
  return cause?.message ?? (error as Error).message
}

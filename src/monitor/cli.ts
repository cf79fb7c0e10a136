import { existsSync, realpathSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { envBaseUrl, loadEnv } from '../config/env.js'
import { PerfConfigError } from '../errors.js'
import { didYouMean } from '../load/suggest.js'
import { checkCustomMetrics } from './alerts/config.js'
import { loadMonitorConfig } from './config-file.js'
import type { Monitor } from './monitor.js'
import { createMonitor } from './monitor.js'
import {
  intervalSeconds,
  MONITOR_DEFAULTS,
  monitorEnv,
  portNumber,
  resolveMonitorOptions,
} from './options.js'
import { SERVICE_ENDPOINTS } from './service-endpoints.js'
import type { MonitorOptions } from './types.js'

const USAGE = `Usage: vitest-perf monitor [options]

Runs the live monitor: probes endpoints and the host every interval, serves the dashboard,
the REST API and the WebSocket, and raises alerts.

Options:
  --config <file>     monitor options: a .json file, or a .js/.mjs/.ts module exporting them
                      (.ts needs tsx installed in the project)
  --port <n>          port (default MONITOR_PORT, else the config, else 8001; 0: a free one)
  --host <address>    address to bind (default MONITOR_HOST, else the config, else 127.0.0.1)
  --interval <s>      sampling interval in seconds (MONITORING_INTERVAL, the config, else 30)
  --base-url <url>    base URL endpoint paths resolve against (PERF_BASE_URL, the config)
  -h, --help          show this help

Each setting is taken from the flag, else the environment, else the config file, else its
default. Environment: MONITORING_INTERVAL, MONITOR_PORT, MONITOR_HOST, MONITOR_TOKEN
(required when bound to a non-loopback address), REDIS_URL, PERF_BASE_URL,
PERFORMANCE_LOG_LEVEL. Without endpoints in the config, the service's four endpoints are
probed at the base URL (endpoints: [] probes none); in this repository, with no base URL
either, the fixture service is started first.`

const FLAGS = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  interval: { type: 'string' },
  'base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Where the CLI prints: stdout and stderr, or a test's sink. */
export interface Writer {
  write(text: string): unknown
}

/** A running fixture service started by the CLI. */
interface StartedService {
  url: string
  stop(): Promise<void>
}

/**
 * The CLI: `vitest-perf monitor [options]` (and `npm run monitor`, which omits the word
 * `monitor`). Resolves with the exit code once the monitor has stopped (SIGINT or SIGTERM):
 * 0 after a clean stop, 2 on a bad option, 1 on any other failure to start.
 */
export async function main(
  argv: string[],
  out: Writer = process.stdout,
  err: Writer = process.stderr,
): Promise<number> {
  loadEnv()
  const args = argv[0] === 'monitor' ? argv.slice(1) : argv
  if (args[0] && !args[0].startsWith('-')) {
    err.write(`vitest-perf: unknown command ${JSON.stringify(args[0])}\n\n${USAGE}\n`)
    return 2
  }

  let service: StartedService | null = null
  let monitor: Monitor | undefined
  let stopAsked: ReturnType<typeof watchStop> | null = null
  let portFrom = ''
  try {
    const flags = parseArgs({ args, options: FLAGS, strict: true }).values
    if (flags.help) {
      out.write(`${USAGE}\n`)
      return 0
    }

    const config: MonitorOptions = flags.config ? await loadMonitorConfig(flags.config) : {}
    // Flags, then the environment, then the config file: a variable set for one deployment
    // (a container's MONITOR_PORT) must not be undone by a config file shared between them.
    const fromEnv = monitorEnv()
    const options: MonitorOptions = { ...config, ...fromEnv }
    // Left to resolveMonitorOptions, which reads it, so a PERF_BASE_URL that is not a URL is
    // named as such, and only when an endpoint needs it.
    if (envBaseUrl() !== undefined) delete options.baseUrl
    if (flags.port !== undefined)
      options.port = portNumber(flags.port, '--port', ' (0 picks a free one)')
    if (flags.host !== undefined) options.host = flags.host
    if (flags.interval !== undefined)
      options.intervalMs = intervalSeconds(flags.interval, '--interval')
    if (flags['base-url'] !== undefined) options.baseUrl = flags['base-url']
    portFrom = portSource(flags.port, fromEnv.port, config.port, flags.config)
    // Without endpoints the service's four are probed; they are filled in before the check,
    // so an alert rule naming one of them is judged against the endpoints the monitor gets.
    // An explicit empty list means none: the host and collectors only.
    const serviceEndpoints = options.endpoints === undefined
    if (serviceEndpoints) options.endpoints = SERVICE_ENDPOINTS.map(endpoint => ({ ...endpoint }))
    const fixture = serviceEndpoints && !options.baseUrl && envBaseUrl() === undefined
    // A mistake in the options is reported before the fixture service is started for them.
    // Its address is known only once it runs, so any loopback URL stands in for it here.
    const checked = resolveMonitorOptions(
      fixture ? { ...options, baseUrl: 'http://127.0.0.1' } : options,
    )
    // Nothing adds a collector after the config's, so custom metrics can be checked too.
    checkCustomMetrics(checked.alerts.rules, Object.keys(checked.collectors))
    // From here a signal is a request to stop, also while starting (waiting for Redis can take
    // seconds): the start completes, and the monitor then stops cleanly at once.
    stopAsked = watchStop(startedThroughNpx(), () => {
      const points = unwrittenPoints(monitor)
      if (points > 0) err.write(`vitest-perf: history not written to Redis: ${points} points\n`)
    })

    if (fixture) {
      service = await startFixtureService()
      options.baseUrl = service.url
      out.write(`vitest-perf: started the fixture service at ${service.url}\n`)
    }

    monitor = createMonitor(options)
    const url = await monitor.start()
    const o = monitor.options
    out.write(
      `vitest-perf monitor on ${url}: ${o.endpoints.length} endpoint(s) every ${o.intervalMs / 1000} s, ` +
        `history ${historyWhere(monitor)}${o.token ? ', token required' : ''}\n`,
    )
  } catch (error) {
    stopAsked?.cancel()
    await service?.stop()
    const code = (error as { code?: string }).code
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      err.write(`vitest-perf: ${unknownFlag((error as Error).message)}\n`)
      return 2
    }
    if (error instanceof PerfConfigError || code?.startsWith('ERR_PARSE_ARGS')) {
      err.write(`vitest-perf: ${(error as Error).message}\n`)
      return 2
    }
    const hint = code === 'EADDRINUSE' ? `; the port is in use: ${portFrom}` : ''
    err.write(`vitest-perf: the monitor could not start: ${(error as Error).message}${hint}\n`)
    return 1
  }

  const reason = await (stopAsked as ReturnType<typeof watchStop>).reason
  out.write(`vitest-perf: ${reason}; stopping (writing history, closing clients)\n`)
  await (monitor as Monitor).stop()
  await service?.stop()
  out.write('vitest-perf: monitor stopped\n')
  return 0
}

/** How often the CLI checks that the process that started it is still there, ms. */
const PARENT_CHECK_MS = 1000

/**
 * A second signal this soon after the first is the same Ctrl-C arriving twice, not a request
 * to hurry, ms: the terminal signals the whole process group, and `npm run` passes its own copy
 * on to the monitor a few milliseconds later.
 */
const REPEATED_SIGNAL_MS = 1000

/**
 * Watches for why the monitor should stop: the first SIGINT or SIGTERM (a second one, a
 * second or more later, calls `beforeExit` and exits at once), or, with `watchParent`, the
 * parent process going away. `npx` starts the monitor under a shell that dies of a SIGTERM
 * without passing it on; the monitor, left behind with a new parent, would go on holding its
 * port. Only a dead parent changes a process's parent id. A monitor started any other way is
 * left running when its parent exits: `nohup node bin/vitest-perf.js monitor &` from a script
 * that then exits is how a service is started in the background. `cancel` removes the watch
 * when the monitor never started.
 */
function watchStop(
  watchParent: boolean,
  beforeExit: () => void,
): { reason: Promise<string>; cancel(): void } {
  const parent = process.ppid
  let watch: NodeJS.Timeout | undefined
  let onSignal: (signal: NodeJS.Signals) => void = () => {}
  const cancel = () => {
    clearInterval(watch)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  const reason = new Promise<string>(resolve => {
    const stop = (why: string) => {
      const stoppedAt = Date.now()
      const hurry = (code: number) => () => {
        if (Date.now() - stoppedAt < REPEATED_SIGNAL_MS) return
        beforeExit()
        process.exit(code)
      }
      cancel()
      process.on('SIGINT', hurry(130))
      process.on('SIGTERM', hurry(143))
      resolve(why)
    }
    onSignal = signal => stop(signal)
    if (watchParent) {
      watch = setInterval(() => {
        if (process.ppid !== parent) stop('the process that started the monitor has gone')
      }, PARENT_CHECK_MS)
      watch.unref()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  return { reason, cancel }
}

/**
 * True when `npx vitest-perf` (or `npm exec vitest-perf`) started this process. npm 7 to 11
 * set `npm_command=exec` and `npm_lifecycle_event=npx` for both, and `npm_lifecycle_script`
 * to the command, the bin's name first (`'vitest-perf'`, quoted by npm 11). The variables are
 * inherited, so a monitor started with plain `node` by a script that npx ran would carry the
 * first two as well: the command's name tells the two apart.
 */
export function startedThroughNpx(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.npm_command !== 'exec' || env.npm_lifecycle_event !== 'npx') return false
  const command = (env.npm_lifecycle_script ?? '').trim().split(/\s+/)[0] ?? ''
  const name = command
    .replace(/^['"]|['"]$/g, '')
    .split('/')
    .pop()
  return name === 'vitest-perf'
}

/**
 * Runs the CLI as a process (`bin/vitest-perf.js`, `npm run monitor`) and exits with its code.
 * Output errors are ignored: when the parent has gone, a write to its closed pipe must not
 * crash the monitor before its history is written.
 */
export async function run(argv: string[]): Promise<void> {
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
  const code = await main(argv)
  process.exitCode = code
  // Timers the libraries keep (keep-alive sockets) must not hold a stopped monitor open.
  setTimeout(() => process.exit(code), 1000).unref()
}

/** The repository's fixture service (`fixtures/service.ts`), available when running from a
 * checkout under tsx; a published package has no fixtures and needs a base URL instead. */
async function startFixtureService(): Promise<StartedService> {
  const file = fileURLToPath(new URL('../../fixtures/service.ts', import.meta.url))
  if (!existsSync(file)) {
    throw new PerfConfigError(
      'baseUrl',
      'baseUrl: no endpoints to probe: give --config with endpoints, or --base-url / PERF_BASE_URL',
    )
  }
  const fixtures = (await import(pathToFileURL(file).href)) as {
    spawnService(options: { faults?: string }): Promise<StartedService>
  }
  return fixtures.spawnService({})
}

/**
 * Points buffered for Redis and not yet written: what exiting now loses. The count is a sum
 * over a queue in memory, with no I/O, so a signal handler may read it; 0 before the monitor
 * exists.
 */
function unwrittenPoints(monitor: Monitor | undefined): number {
  try {
    return monitor?.health().history.buffered ?? 0
  } catch {
    return 0
  }
}

/** What set the port, and how to change it, for the message when it is in use. */
function portSource(
  flag: string | undefined,
  fromEnv: number | undefined,
  fromConfig: unknown,
  configFile: string | undefined,
): string {
  const free = '(0 picks a free one)'
  if (flag !== undefined) return `--port ${flag} set it; give another ${free}`
  if (fromEnv !== undefined) {
    return `MONITOR_PORT=${fromEnv} set it; change it, or give --port ${free}`
  }
  if (fromConfig !== undefined) {
    return `port in ${configFile} set it; change it there, or set MONITOR_PORT or --port ${free}`
  }
  return (
    `it is the default, ${MONITOR_DEFAULTS.port}; set port in the config, MONITOR_PORT or ` +
    `--port ${free}`
  )
}

function isEntry(): boolean {
  const entry = process.argv[1]
  if (!entry) return false
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}

if (isEntry()) await run(process.argv.slice(2))

/** Node's message for an unknown flag, with the nearest known flag and the whole list. */
function unknownFlag(message: string): string {
  const flag = /'(-{1,2}[^'=]+)/.exec(message)?.[1] ?? ''
  const known = Object.keys(FLAGS).map(name => `--${name}`)
  return `unknown option ${flag}; ${didYouMean(flag, known)}allowed: ${known.join(', ')}`
}

/** Where the history goes, as the banner says it: Redis only once it answered at start. */
function historyWhere(monitor: Monitor): string {
  const url = monitor.options.redisUrl
  if (!url) return 'in memory'
  if (monitor.health().history.redis === 'connected') return 'in Redis'
  return `in memory for now: Redis at ${withoutPassword(url)} is unreachable, retrying`
}

/** A Redis URL as it may be printed: any password replaced. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'the configured URL'
  }
}

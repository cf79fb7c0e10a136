import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PerfConfigError } from '../../src/errors.js'
import { main, startedThroughNpx } from '../../src/monitor/cli.js'
import { loadMonitorConfig } from '../../src/monitor/config-file.js'
import { alive, freePort } from '../support/processes.js'
import type { TestServer } from '../support/servers.js'
import { startDelayServer } from '../support/servers.js'
import { getJson, ISOLATED_ENV, refused, until } from './helpers.js'
import { RedisServer } from './redis-server.js'

const ROOT = resolve(import.meta.dirname, '../..')

/** The variables npx 11 sets for `npx vitest-perf monitor`. */
const NPX_ENV = {
  npm_command: 'exec',
  npm_lifecycle_event: 'npx',
  npm_lifecycle_script: "'vitest-perf'",
}
/** None of npm's variables: the monitor started with plain node. */
const NO_NPM_ENV = { npm_command: '', npm_lifecycle_event: '', npm_lifecycle_script: '' }

/** An alert rule on one of the service's four endpoints, which the CLI probes by default. */
const SEARCH_RULE = {
  name: 'search-slow',
  severity: 'low',
  component: 'vectors_search',
  metric: 'p95',
  comparator: '>',
  threshold: 10_000,
}

interface Running {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

function runCli(args: string[], env: Record<string, string> = {}): Running {
  return spawnCollecting(process.execPath, ['--import', 'tsx', 'src/monitor/cli.ts', ...args], env)
}

/** Spawns `command` in the repository with the monitor's environment isolated, collecting
 * stdout and stderr together. */
function spawnCollecting(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  detached = false,
): Running {
  const child = spawn(command, args, {
    cwd: ROOT,
    detached,
    env: { ...process.env, ...ISOLATED_ENV, PERFORMANCE_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', chunk => {
    output += chunk
  })
  child.stderr?.on('data', chunk => {
    output += chunk
  })
  const exited = new Promise<number | null>(done => child.once('exit', code => done(code)))
  return { child, output: () => output, exited }
}

/** The URL a started monitor printed. */
async function monitorUrl(run: Running): Promise<string> {
  await until(() => /monitor on (http:\S+):/.test(run.output()), 20_000, 'the monitor URL')
  return (/monitor on (http:\S+):/.exec(run.output()) as RegExpExecArray)[1] as string
}

/** Runs `node <file> ...args` in `cwd` without any loader; resolves with the exit code and output. */
function runNode(
  file: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [file, ...args], {
    cwd,
    env: { ...process.env, ...ISOLATED_ENV, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', chunk => {
    stdout += chunk
  })
  child.stderr?.on('data', chunk => {
    stderr += chunk
  })
  return new Promise(done => child.once('close', code => done({ code, stdout, stderr })))
}

/** Compiles TypeScript sources of this repo to JavaScript under `into`, keeping their paths. */
function transpile(files: string[], into: string): void {
  for (const file of files) {
    const source = readFileSync(join(ROOT, file), 'utf8')
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    })
    const out = join(into, file.replace(/\.ts$/, '.js'))
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, outputText)
  }
}

function sink() {
  let text = ''
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk
      },
    },
    text: () => text,
  }
}

describe('vitest-perf monitor CLI', () => {
  let redis: RedisServer
  let target: TestServer
  let dir: string

  beforeAll(async () => {
    redis = await RedisServer.start()
    target = await startDelayServer(1)
    dir = mkdtempSync(join(tmpdir(), 'vp-cli-'))
  })

  afterAll(async () => {
    await target?.close()
    await redis?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A config file in the test's folder: one endpoint, no host sampling. */
  function probeConfig(name: string, url: string, intervalMs: number): string {
    const file = join(dir, name)
    writeFileSync(
      file,
      JSON.stringify({
        port: 0,
        intervalMs,
        hostResources: false,
        endpoints: [{ name: 'api', url }],
      }),
    )
    return file
  }

  it('stops cleanly on SIGTERM with every interval written to Redis, even one buffered in an outage', async () => {
    const prefix = 'vp-cli-sigterm'
    const config = join(dir, 'monitor.json')
    writeFileSync(
      config,
      JSON.stringify({
        port: 0,
        intervalMs: 100,
        hostResources: false,
        redisPrefix: prefix,
        endpoints: [{ name: 'api', url: `${target.url}/ping`, objectives: { p95: 1000 } }],
        probe: { requests: 2, timeoutMs: 2000 },
      }),
    )
    const run = runCli(['monitor', '--config', config], { REDIS_URL: redis.url })
    try {
      await until(() => /monitor on (http:\S+):/.test(run.output()), 20_000, 'the monitor URL')
      const base = (/monitor on (http:\S+):/.exec(run.output()) as RegExpExecArray)[1] as string
      await until(
        async () => ((await getJson(base, '/health')).body.samples as number) >= 3,
        10_000,
        'samples',
      )

      // Redis goes away: the monitor buffers; SIGTERM arrives while it is still down, and
      // Redis returns during the shutdown's flush.
      await redis.stop()
      await until(
        async () =>
          ((await getJson(base, '/health')).body.history as { buffered: number }).buffered >= 2,
      )
      const seen = ((await getJson(base, '/api/metrics/current')).body.sequence as number) ?? 0
      run.child.kill('SIGTERM')
      await redis.restart()
      expect(await run.exited).toBe(0)
      expect(run.output()).toMatch(/stopping \(writing history, closing clients\)/)
      expect(run.output()).toMatch(/monitor stopped/)

      const client = redis.client()
      const times = async (metric: string) =>
        (await client.zrange(`${prefix}:s:api/${metric}`, 0, -1)).map(m => m.split(':')[0])
      const availability = await times('availability')
      const latencies = await Promise.all(['p50', 'p95', 'p99'].map(times))
      client.disconnect()
      // Every interval seen before SIGTERM is in Redis, those buffered in the outage included.
      expect(availability.length).toBeGreaterThanOrEqual(seen)
      // Each interval was written whole: its latency points (present when a response came
      // back) belong to intervals whose availability point is there too.
      for (const series of latencies) {
        expect(series).toEqual(latencies[0])
        expect(series.every(t => availability.includes(t))).toBe(true)
      }
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it('with neither endpoints nor a base URL, starts the fixture service and probes its four endpoints', async () => {
    // An alert rule may name one of the four: they are the endpoints its check sees.
    const config = join(dir, 'service-rule.json')
    writeFileSync(config, JSON.stringify({ alerts: { rules: [SEARCH_RULE] } }))
    // 2 s: the probe timeout is half the interval, and the think endpoint takes about 200 ms.
    const run = runCli(['monitor', '--config', config, '--port', '0', '--interval', '2'], {
      PERF_BASE_URL: '',
      SUTAZAI_BASE_URL: '',
    })
    try {
      const base = await monitorUrl(run)
      const fixture = (/started the fixture service at (http:\S+)/.exec(run.output()) ??
        [])[1] as string
      expect(fixture).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      type Probed = Array<{ name: string; url: string; availability: number }>
      let endpoints: Probed = []
      // On a busy machine one interval's think probe can time out: wait for a clean one.
      await until(
        async () => {
          const { status, body } = await getJson(base, '/api/metrics/current')
          endpoints = status === 200 ? (body.endpoints as Probed) : []
          return endpoints.length > 0 && endpoints.every(e => e.availability === 100)
        },
        20_000,
        'an interval with every endpoint answering',
      )
      expect(endpoints.map(e => e.name)).toEqual([
        'health',
        'system_status',
        'coordinator_think',
        'vectors_search',
      ])
      for (const endpoint of endpoints) expect(endpoint.url.startsWith(`${fixture}/`)).toBe(true)

      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
      // The fixture service stopped with the monitor.
      expect(await refused(fixture)).toBe(true)
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it('stops cleanly when SIGTERM goes to the npm run monitor wrapper alone', async () => {
    const config = probeConfig('npm-run.json', `${target.url}/npm`, 200)
    const run = spawnCollecting('npm', ['run', '--silent', 'monitor', '--', '--config', config])
    try {
      const base = await monitorUrl(run)
      run.child.kill('SIGTERM')
      expect(await run.exited).not.toBeNull()
      await until(() => /monitor stopped/.test(run.output()), 10_000, 'the monitor stopped')
      expect(await refused(base)).toBe(true)
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it('says what to do when the port is taken, and exits 1', async () => {
    const taken = createServer()
    await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as AddressInfo).port
    try {
      const run = runCli(['--port', String(port), '--base-url', target.url], {
        MONITOR_PORT: '0',
      })
      expect(await run.exited).toBe(1)
      expect(run.output()).toMatch(
        new RegExp(
          `could not start: listen EADDRINUSE.*; the port is in use: --port ${port} set it; ` +
            'give another \\(0 picks a free one\\)',
        ),
      )

      // Set by the config alone, the message says so, and where to change it.
      const config = join(dir, 'taken-port.json')
      writeFileSync(config, JSON.stringify({ port, endpoints: [], hostResources: false }))
      const fromConfig = runCli(['--config', config])
      expect(await fromConfig.exited).toBe(1)
      expect(fromConfig.output()).toContain(
        `the port is in use: port in ${config} set it; change it there, or set MONITOR_PORT ` +
          'or --port (0 picks a free one)',
      )
    } finally {
      taken.close()
    }
  })

  it('stops cleanly on a SIGTERM that arrives while it is still starting', async () => {
    // An unreachable Redis holds the start up to 2 s, after the fixture service has started.
    const run = runCli(['--port', '0'], {
      PERF_BASE_URL: '',
      SUTAZAI_BASE_URL: '',
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    })
    try {
      await until(() => /started the fixture service at/.test(run.output()), 20_000, 'the fixture')
      const fixture = (/started the fixture service at (http:\S+)/.exec(run.output()) ??
        [])[1] as string
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
      expect(run.output()).toMatch(/SIGTERM; stopping \(writing history, closing clients\)/)
      expect(run.output()).toMatch(/monitor stopped/)
      expect(await refused(fixture)).toBe(true)
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it('stops cleanly on Ctrl-C to npm run monitor, which delivers SIGINT twice', async () => {
    const config = probeConfig('ctrl-c.json', `${target.url}/ctrl-c`, 200)
    // A process group of its own, signalled whole, as a terminal does on Ctrl-C: npm and the
    // monitor both get SIGINT, and npm passes its copy on as well. An unreachable Redis makes
    // the stop take seconds (it waits to write the history), long enough for the second copy.
    const redisUrl = `redis://127.0.0.1:${await freePort()}`
    // Without --silent: npm then passes the signal on (with it, npm did not).
    const run = spawnCollecting(
      'npm',
      ['run', 'monitor', '--', '--config', config],
      { REDIS_URL: redisUrl },
      true,
    )
    const group = run.child.pid as number
    try {
      const base = await monitorUrl(run)
      // Redis did not answer at start: the banner says where the history goes meanwhile.
      expect(run.output()).toMatch(
        /history in memory for now: Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable, retrying/,
      )
      process.kill(-group, 'SIGINT')
      await run.exited
      await until(() => /monitor stopped/.test(run.output()), 10_000, 'the monitor stopped')
      expect(run.output()).toMatch(/SIGINT; stopping \(writing history/)
      expect(await run.exited).toBe(0)
      expect(await refused(base)).toBe(true)
    } finally {
      try {
        process.kill(-group, 'SIGKILL')
      } catch {
        // The group has already gone.
      }
    }
  })

  it('stops cleanly by itself when the shell that started it dies without passing a signal on', async () => {
    const config = probeConfig('orphan.json', `${target.url}/orphan`, 200)
    // As `npx` does: a shell runs the monitor as its child and dies of the SIGTERM itself.
    const command = `"${process.execPath}" --import tsx src/monitor/cli.ts --config "${config}" & echo pid=$!; wait`
    const run = spawnCollecting('sh', ['-c', command], NPX_ENV)
    let pid = 0
    try {
      const base = await monitorUrl(run)
      pid = Number((/pid=(\d+)/.exec(run.output()) as RegExpExecArray)[1])
      run.child.kill('SIGTERM')
      await run.exited
      await until(() => !alive(pid), 10_000, 'the orphaned monitor gone')
      expect(run.output()).toMatch(
        /the process that started the monitor has gone; stopping \(writing history/,
      )
      expect(run.output()).toMatch(/monitor stopped/)
      expect(await refused(base)).toBe(true)
    } finally {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL')
    }
  })

  it('keeps running and serving when started with plain node by a parent that exits, until SIGTERM', async () => {
    const config = probeConfig('nohup.json', `${target.url}/nohup`, 200)
    // A start script: it starts the monitor in the background and exits at once.
    const command = `"${process.execPath}" --import tsx src/monitor/cli.ts --config "${config}" & echo pid=$!`
    const run = spawnCollecting('sh', ['-c', command], NO_NPM_ENV)
    let pid = 0
    try {
      const base = await monitorUrl(run)
      pid = Number((/pid=(\d+)/.exec(run.output()) as RegExpExecArray)[1])
      expect(await run.exited).toBe(0)
      // Three parent checks' worth after its parent has gone, it still samples and serves.
      const samples = (await getJson(base, '/health')).body.samples as number
      await sleep(3000)
      expect(alive(pid)).toBe(true)
      expect((await getJson(base, '/health')).body.samples as number).toBeGreaterThan(samples)
      expect(run.output()).not.toMatch(/has gone/)

      process.kill(pid, 'SIGTERM')
      await until(() => !alive(pid), 10_000, 'the monitor gone after SIGTERM')
      expect(run.output()).toMatch(/SIGTERM; stopping \(writing history/)
      expect(run.output()).toMatch(/monitor stopped/)
      expect(await refused(base)).toBe(true)
    } finally {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL')
    }
  })

  it('watches its parent only when npx started it', () => {
    expect(startedThroughNpx(NPX_ENV)).toBe(true)
    expect(startedThroughNpx({ ...NPX_ENV, npm_lifecycle_script: 'vitest-perf monitor' })).toBe(
      true,
    )
    expect(startedThroughNpx({})).toBe(false)
    expect(startedThroughNpx({ ...NPX_ENV, npm_command: 'run' })).toBe(false)
    // Plain node started by a script that npx ran inherits npm's variables, with its command.
    expect(startedThroughNpx({ ...NPX_ENV, npm_lifecycle_script: "'deploy-monitor'" })).toBe(false)
  })

  it('takes each setting from the flag, else the environment, else the config file', async () => {
    const taken = createServer()
    await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as AddressInfo).port
    const config = join(dir, 'precedence.json')
    writeFileSync(
      config,
      JSON.stringify({ port, intervalMs: 60_000, hostResources: false, endpoints: [] }),
    )
    // The config's port is taken and its interval long: the environment's win.
    const run = runCli(['--config', config], { MONITOR_PORT: '0', MONITORING_INTERVAL: '0.2' })
    try {
      const base = await monitorUrl(run)
      expect(run.output()).toMatch(/: 0 endpoint\(s\) every 0\.2 s/)
      await until(
        async () => ((await getJson(base, '/health')).body.samples as number) >= 3,
        10_000,
        "three samples at the environment's interval",
      )
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)

      // A flag wins over the environment.
      const flagged = runCli(['--config', config, '--interval', '0.5'], {
        MONITOR_PORT: '0',
        MONITORING_INTERVAL: '0.2',
      })
      await monitorUrl(flagged)
      expect(flagged.output()).toMatch(/every 0\.5 s/)
      flagged.child.kill('SIGTERM')
      expect(await flagged.exited).toBe(0)
    } finally {
      run.child.kill('SIGKILL')
      taken.close()
    }
  })

  it('with endpoints: [] in the config, probes no endpoint and starts no fixture service', async () => {
    const config = join(dir, 'no-endpoints.json')
    writeFileSync(
      config,
      JSON.stringify({ baseUrl: 'http://127.0.0.1:9100', endpoints: [], port: 0, intervalMs: 100 }),
    )
    const run = runCli(['--config', config], { PERF_BASE_URL: '', SUTAZAI_BASE_URL: '' })
    try {
      const base = await monitorUrl(run)
      expect(run.output()).toMatch(/: 0 endpoint\(s\) every 0\.1 s/)
      expect(run.output()).not.toMatch(/fixture service/)
      await until(async () => (await getJson(base, '/api/metrics/current')).status === 200)
      const { body } = await getJson(base, '/api/metrics/current')
      expect(body.endpoints).toEqual([])
      expect((body.host as { memory: number }).memory).toBeGreaterThan(0)
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it('exits 2 with the option named on a bad config, and prints usage on --help', async () => {
    // In process: a token or Redis URL in the runner's environment must not change the outcome.
    vi.stubEnv('MONITOR_TOKEN', '')
    vi.stubEnv('REDIS_URL', '')
    const bad = join(dir, 'bad.json')
    writeFileSync(
      bad,
      JSON.stringify({ port: 0, endpoints: [{ name: 'host', url: 'http://127.0.0.1:1/' }] }),
    )
    const err = sink()
    const out = sink()
    expect(await main(['monitor', '--config', bad], out.stream, err.stream)).toBe(2)
    expect(err.text()).toMatch(
      /endpoints\[0\]\.name: got "host"; names host and custom are reserved/,
    )

    expect(
      await main(['monitor', '--config', join(dir, 'missing.json')], out.stream, err.stream),
    ).toBe(2)
    expect(err.text()).toMatch(/--config: cannot read/)
    expect(await main(['monitor', '--port', 'many'], out.stream, err.stream)).toBe(2)
    expect(err.text()).toMatch(/--port: got "many"; expected an integer from 0 to 65535/)
    expect(
      await main(
        ['monitor', '--host', '0.0.0.0', '--base-url', target.url],
        out.stream,
        err.stream,
      ),
    ).toBe(2)
    expect(err.text()).toMatch(/MONITOR_TOKEN/)
    expect(await main(['watch'], out.stream, err.stream)).toBe(2)
    expect(err.text()).toMatch(/unknown command "watch"/)
    expect(await main(['monitor', '--prot', '9000'], out.stream, err.stream)).toBe(2)
    expect(err.text()).toMatch(
      /unknown option --prot; did you mean --port\? allowed: --config, --port, --host, --interval, --base-url, --help/,
    )

    expect(await main(['monitor', '--help'], out.stream, err.stream)).toBe(0)
    expect(out.text()).toMatch(/Usage: vitest-perf monitor/)
    vi.unstubAllEnvs()
  })

  it('logs at the level PERFORMANCE_LOG_LEVEL names, and says so when the name is unknown', async () => {
    const config = probeConfig('log-level.json', `${target.url}/log`, 100)
    const logs = async (level: string) => {
      const run = runCli(['--config', config], { PERFORMANCE_LOG_LEVEL: level })
      try {
        await monitorUrl(run)
        await sleep(500)
        run.child.kill('SIGTERM')
        expect(await run.exited).toBe(0)
        return run.output()
      } finally {
        run.child.kill('SIGKILL')
      }
    }
    expect(await logs('debug')).toMatch(/^\[vitest-perf\] debug monitor: interval analysed/m)
    const quiet = await logs('error')
    expect(quiet).toMatch(/monitor stopped/)
    expect(quiet).not.toMatch(/\[vitest-perf\]/)
    expect(await logs('loud')).toMatch(
      /^\[vitest-perf\] warn PERFORMANCE_LOG_LEVEL: got "loud"; allowed: debug, info, warn, error, silent; using warn$/m,
    )
  })

  it('loads a JavaScript config module exporting a function, its collectors included', async () => {
    const file = join(dir, 'monitor.config.mjs')
    writeFileSync(
      file,
      `export default async () => ({ port: 0, intervalMs: 100, hostResources: false,
        endpoints: [{ name: 'js_api', url: '${target.url}/js' }],
        collectors: { queue_depth: () => 7 } })\n`,
    )
    const run = runCli(['--config', file])
    try {
      await until(() => /monitor on (http:\S+):/.test(run.output()), 20_000, 'the monitor URL')
      const base = (/monitor on (http:\S+):/.exec(run.output()) as RegExpExecArray)[1] as string
      await until(async () => (await getJson(base, '/api/metrics/current')).status === 200)
      const { body } = await getJson(base, '/api/metrics/current')
      expect((body.endpoints as Array<{ name: string }>)[0]?.name).toBe('js_api')
      // A config module can add collectors, which a JSON config cannot.
      expect(body.custom).toEqual({ queue_depth: 7 })
      run.child.kill('SIGINT')
      expect(await run.exited).toBe(0)
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it('exits 2 on an unknown key in the config, naming its path and the nearest name', async () => {
    vi.stubEnv('MONITOR_TOKEN', '')
    vi.stubEnv('REDIS_URL', '')
    const cases: Array<[object, RegExp]> = [
      [
        { intervall: 2000, port: 0 },
        /^vitest-perf: intervall: unknown option; did you mean intervalMs\? allowed: /m,
      ],
      [
        { port: 0, endpoints: [{ name: 'api', url: target.url, objective: { p95: 100 } }] },
        /^vitest-perf: endpoints\[0\]\.objective: unknown option; did you mean objectives\?/m,
      ],
    ]
    for (const [config, message] of cases) {
      const file = join(dir, 'typo.json')
      writeFileSync(file, JSON.stringify(config))
      const out = sink()
      const err = sink()
      expect(await main(['monitor', '--config', file], out.stream, err.stream)).toBe(2)
      expect(err.text()).toMatch(message)
      // Refused before anything starts, the fixture service a config without endpoints gets.
      expect(out.text()).toBe('')
    }
    vi.unstubAllEnvs()
  })

  it('exits 2 on an interval beyond 24 hours, from the config or --interval', async () => {
    vi.stubEnv('MONITOR_TOKEN', '')
    const file = join(dir, 'slow.json')
    writeFileSync(file, JSON.stringify({ port: 0, intervalMs: 1e12 }))
    const err = sink()
    expect(await main(['monitor', '--config', file], sink().stream, err.stream)).toBe(2)
    expect(err.text()).toMatch(/intervalMs: got 1000000000000; .*from 50 to 86400000 \(24 h\)/)
    expect(
      await main(
        ['monitor', '--interval', '1e9', '--base-url', target.url],
        sink().stream,
        err.stream,
      ),
    ).toBe(2)
    expect(err.text()).toMatch(
      /--interval: got "1e9"; expected seconds, a decimal number from 0.05 to 86400/,
    )
    vi.unstubAllEnvs()
  })

  it('takes --port and --interval in plain decimal only', async () => {
    vi.stubEnv('MONITOR_TOKEN', '')
    const refusedFlag = async (flag: string, value: string) => {
      const out = sink()
      const err = sink()
      const args = ['monitor', flag, value, '--base-url', target.url]
      expect(await main(args, out.stream, err.stream)).toBe(2)
      expect(out.text()).toBe('')
      return err.text()
    }
    expect(await refusedFlag('--port', '0x10')).toBe(
      'vitest-perf: --port: got "0x10"; expected an integer from 0 to 65535 (0 picks a free one)\n',
    )
    for (const port of ['0b1', '0o17', '1e3', '+80', '80.0', ' 80', '65536']) {
      expect(await refusedFlag('--port', port)).toMatch(/^vitest-perf: --port: got /)
    }
    expect(await refusedFlag('--interval', '0x10')).toBe(
      'vitest-perf: --interval: got "0x10"; expected seconds, a decimal number from 0.05 to ' +
        '86400 (24 h)\n',
    )
    for (const interval of ['Infinity', '', '1_0', '.']) {
      expect(await refusedFlag('--interval', interval)).toMatch(/^vitest-perf: --interval: got /)
    }
    vi.unstubAllEnvs()
  })

  it('exits 2 on an alert rule naming an endpoint, metric or collector the monitor will not have', async () => {
    vi.stubEnv('MONITOR_TOKEN', '')
    vi.stubEnv('REDIS_URL', '')
    vi.stubEnv('PERF_BASE_URL', '')
    vi.stubEnv('SUTAZAI_BASE_URL', '')
    const refusedConfig = async (name: string, text: string) => {
      const file = join(dir, name)
      writeFileSync(file, text)
      const out = sink()
      const err = sink()
      expect(await main(['monitor', '--config', file], out.stream, err.stream)).toBe(2)
      // Refused before the fixture service a config without endpoints gets is started.
      expect(out.text()).toBe('')
      return err.text()
    }
    const rules = (...list: object[]) => JSON.stringify({ port: 0, alerts: { rules: list } })

    // Without endpoints in the config, the allowed components are the service's four.
    expect(
      await refusedConfig(
        'rule-component.json',
        rules({ ...SEARCH_RULE, component: 'vector_search' }),
      ),
    ).toBe(
      'vitest-perf: alerts.rules[0].component: got "vector_search"; did you mean vectors_search? ' +
        'allowed: host, custom, health, system_status, coordinator_think, vectors_search\n',
    )
    expect(
      await refusedConfig(
        'rule-metric.json',
        rules({ ...SEARCH_RULE, component: 'host', metric: 'cpuu' }),
      ),
    ).toMatch(
      /^vitest-perf: alerts\.rules\[0\]\.metric: got "cpuu"; did you mean cpu\? allowed for host: cpu, memory,/,
    )

    // The config's collectors are all the CLI runs, so a custom metric is checked too.
    const queue = { ...SEARCH_RULE, component: 'custom', metric: 'queue_dept' }
    expect(await refusedConfig('rule-custom.json', rules(queue))).toMatch(
      /alerts\.rules\[0\]\.metric: got "queue_dept"; allowed: a collector name, and no collectors are configured/,
    )
    expect(
      await refusedConfig(
        'rule-custom.mjs',
        `export default { port: 0, collectors: { queue_depth: () => 1 },
          alerts: { rules: [${JSON.stringify(queue)}] } }\n`,
      ),
    ).toMatch(
      /metric: got "queue_dept"; did you mean queue_depth\? allowed for custom: queue_depth,/,
    )
    vi.unstubAllEnvs()
  })

  it('says how many points were not written to Redis when a second Ctrl-C exits at once', async () => {
    const config = probeConfig('hurry.json', `${target.url}/hurry`, 100)
    // Redis never answers: every interval waits in the queue, and the stop waits for Redis.
    const run = runCli(['--config', config], { REDIS_URL: `redis://127.0.0.1:${await freePort()}` })
    try {
      const base = await monitorUrl(run)
      let buffered = 0
      await until(
        async () => {
          const { body } = await getJson(base, '/health')
          buffered = (body.history as { buffered: number }).buffered
          return buffered >= 4
        },
        10_000,
        'points buffered for Redis',
      )
      run.child.kill('SIGINT')
      await until(() => /SIGINT; stopping/.test(run.output()), 5000, 'the stop')
      // A second Ctrl-C within a second is the same one arriving twice; later, it means hurry.
      await sleep(1200)
      run.child.kill('SIGINT')
      expect(await run.exited).toBe(130)
      const unwritten = /history not written to Redis: (\d+) points/.exec(run.output())
      expect(Number(unwritten?.[1])).toBeGreaterThanOrEqual(buffered)
      expect(run.output()).not.toMatch(/monitor stopped/)
    } finally {
      run.child.kill('SIGKILL')
    }
  })

  it("loads a .ts config in plain Node through the project's tsx, and says what to do without it", async () => {
    // The loader as it runs from the built package: compiled, under plain Node, outside this
    // repository, so nothing but the code's own search can find tsx.
    const built = mkdtempSync(join(tmpdir(), 'vp-built-'))
    const project = mkdtempSync(join(tmpdir(), 'vp-project-'))
    try {
      transpile(['src/monitor/config-file.ts', 'src/errors.ts'], built)
      writeFileSync(join(built, 'package.json'), '{ "type": "module" }\n')
      const runner = join(built, 'load.mjs')
      writeFileSync(
        runner,
        `import { loadMonitorConfig } from './src/monitor/config-file.js'
try {
  console.log(JSON.stringify(await loadMonitorConfig(process.argv[2])))
} catch (error) {
  console.error(error.message)
  process.exitCode = 2
}
`,
      )
      const config = join(project, 'monitor.config.ts')
      writeFileSync(
        config,
        `interface Options { port: number; endpoints: Array<{ name: string; url: string }> }
const options: Options = { port: 0, endpoints: [{ name: 'ts_api', url: 'http://127.0.0.1:1/' }] }
export default options
`,
      )

      // This repository has tsx installed: run from it, the config loads.
      const found = await runNode(runner, [config], ROOT)
      expect(found.stderr).toBe('')
      expect(JSON.parse(found.stdout)).toEqual({
        port: 0,
        endpoints: [{ name: 'ts_api', url: 'http://127.0.0.1:1/' }],
      })

      // From a project without tsx, and none beside the compiled code: one clear message.
      const missing = await runNode(runner, [config], project)
      expect(missing.code).toBe(2)
      expect(missing.stderr.trim()).toBe(
        `--config: ${config} is TypeScript, which Node cannot import by itself, and tsx was ` +
          'not found: install it in your project (npm install -D tsx), or write the config as ' +
          '.js, .mjs or .json',
      )
    } finally {
      rmSync(built, { recursive: true, force: true })
      rmSync(project, { recursive: true, force: true })
    }
  })

  it('refuses a .ts config with a PerfConfigError naming --config when tsx cannot be imported', async () => {
    const file = join(dir, 'monitor.config.ts')
    writeFileSync(file, 'export default { port: 0 }\n')
    const notFound = Object.assign(new Error("Cannot find package 'tsx'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const error = await loadMonitorConfig(file, dir, () => Promise.reject(notFound)).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(PerfConfigError)
    expect((error as PerfConfigError).option).toBe('--config')
    expect((error as Error).message).toMatch(/^--config: .*monitor\.config\.ts is TypeScript/)
    expect((error as Error).message).toMatch(
      /install it .*\(npm install -D tsx\), or write the config as \.js, \.mjs or \.json$/,
    )
    // With tsx found, the same file loads (in process, through tsx's tsImport).
    expect(await loadMonitorConfig(file, dir)).toEqual({ port: 0 })
  })
})

describe('bin/vitest-perf.js', () => {
  let pkg: string

  beforeAll(() => {
    pkg = mkdtempSync(join(tmpdir(), 'vp-bin-'))
    mkdirSync(join(pkg, 'bin'))
    copyFileSync(join(ROOT, 'bin/vitest-perf.js'), join(pkg, 'bin/vitest-perf.js'))
    writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }\n')
  })

  afterAll(() => {
    rmSync(pkg, { recursive: true, force: true })
  })

  it('says in one line that the package is not built, and exits 1, when dist/ is missing', async () => {
    const run = await runNode(join(pkg, 'bin/vitest-perf.js'), ['monitor', '--help'], pkg)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      'vitest-perf: the package is not built (no dist/): run `npm run build`, ' +
        'or in this repository use `npm run monitor`\n',
    )
  })

  it('hands the arguments to the built CLI, which sets the exit code', async () => {
    const cli = join(pkg, 'dist/src/monitor/cli.js')
    mkdirSync(dirname(cli), { recursive: true })
    writeFileSync(
      cli,
      'export async function run(argv) { console.log(JSON.stringify(argv)); process.exitCode = 3 }\n',
    )
    try {
      const run = await runNode(join(pkg, 'bin/vitest-perf.js'), ['monitor', '--port', '0'], pkg)
      expect(run.stdout.trim()).toBe('["monitor","--port","0"]')
      expect(run.code).toBe(3)
    } finally {
      rmSync(join(pkg, 'dist'), { recursive: true, force: true })
    }
  })
})

import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/monitor/cli.js'
import type { TestServer } from '../support/servers.js'
import { startDelayServer } from '../support/servers.js'
import { getJson, ISOLATED_ENV, until } from './helpers.js'
import { RedisServer } from './redis-server.js'

const ROOT = resolve(import.meta.dirname, '../..')

interface Running {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

function runCli(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/monitor/cli.ts', ...args], {
    cwd: ROOT,
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
    expect(err.text()).toMatch(/--port: got "many"; expected a number/)
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

    expect(await main(['monitor', '--help'], out.stream, err.stream)).toBe(0)
    expect(out.text()).toMatch(/Usage: vitest-perf monitor/)
    vi.unstubAllEnvs()
  })

  it('loads a JavaScript config module exporting a function', async () => {
    const file = join(dir, 'monitor.config.mjs')
    writeFileSync(
      file,
      `export default async () => ({ port: 0, intervalMs: 100, hostResources: false,
        endpoints: [{ name: 'js_api', url: '${target.url}/js' }] })\n`,
    )
    const run = runCli(['--config', file])
    try {
      await until(() => /monitor on (http:\S+):/.test(run.output()), 20_000, 'the monitor URL')
      const base = (/monitor on (http:\S+):/.exec(run.output()) as RegExpExecArray)[1] as string
      await until(async () => (await getJson(base, '/api/metrics/current')).status === 200)
      const { body } = await getJson(base, '/api/metrics/current')
      expect((body.endpoints as Array<{ name: string }>)[0]?.name).toBe('js_api')
      run.child.kill('SIGINT')
      expect(await run.exited).toBe(0)
    } finally {
      run.child.kill('SIGKILL')
    }
  })
})

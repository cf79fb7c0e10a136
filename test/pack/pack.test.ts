import { execFile, spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Packs the package as npm would publish it, installs the tarball into a fresh project that
// has nothing but vitest@4.1.12, and runs a consumer's test file and `tsc` there. The npm
// cache is warm, so the install does not need the network (`--prefer-offline`).

const root = fileURLToPath(new URL('../../', import.meta.url))
const consumerFiles = fileURLToPath(new URL('./consumer/', import.meta.url))
const tsc = join(root, 'node_modules/typescript/bin/tsc')

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command; resolves with its exit code and output whatever the code. */
function run(command: string, args: string[], cwd: string, timeout = 180_000): Promise<Run> {
  // No VITEST* variables: each child is a fresh process, not part of this test run.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
  )
  return new Promise(resolve => {
    execFile(
      command,
      args,
      { cwd, env, timeout, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

function explain(step: string, result: Run): string {
  return `${step} exited with ${result.code}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`
}

let dir = ''
let consumer = ''
let vitestRun: Run
let results: {
  testResults: Array<{
    assertionResults: Array<{ title: string; status: string; failureMessages: string[] }>
  }>
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vitest-perf-pack-'))
  consumer = join(dir, 'consumer')
  await mkdir(consumer)

  // `npm pack` runs `prepare`, which builds dist/ with tsc: a build error fails here.
  const pack = await run('npm', ['pack', '--pack-destination', dir, '--silent'], root)
  if (pack.code !== 0) throw new Error(explain('npm pack (with its prepare build)', pack))
  const tarball = join(dir, pack.stdout.trim().split('\n').at(-1) ?? '')

  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  )
  await copyFile(join(consumerFiles, 'perf.check.ts.txt'), join(consumer, 'perf.check.ts'))
  await copyFile(join(consumerFiles, 'monitor.check.ts.txt'), join(consumer, 'monitor.check.ts'))
  await copyFile(join(consumerFiles, 'vitest.config.ts.txt'), join(consumer, 'vitest.config.ts'))
  await writeFile(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        // Node's types from this repo, so the consumer installs nothing but the two packages.
        typeRoots: [join(root, 'node_modules/@types')],
        types: ['node'],
      },
      include: ['*.ts'],
    }),
  )

  const install = await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      tarball,
      'vitest@4.1.12',
    ],
    consumer,
  )
  if (install.code !== 0) throw new Error(explain('npm install of the tarball', install))

  vitestRun = await run(
    process.execPath,
    [join(consumer, 'node_modules/vitest/vitest.mjs'), 'run'],
    consumer,
  )
  results = JSON.parse(await readFile(join(consumer, 'results.json'), 'utf8'))
}, 300_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the packed package in a fresh project', () => {
  it('runs the consumer tests: the passing assertion passes, the failing one fails', () => {
    // One test fails on purpose, so the run exits 1.
    expect(vitestRun.code, explain('vitest', vitestRun)).toBe(1)
    // The shipped source maps carry their sources: src/ is not in the package.
    expect(`${vitestRun.stdout}${vitestRun.stderr}`).not.toMatch(/points to missing source files/)
    const tests = Object.fromEntries(
      results.testResults.flatMap(file => file.assertionResults.map(t => [t.title, t])),
    )
    expect(tests['meets a generous budget']?.status).toBe('passed')
    expect(tests['rejects a string budget at compile time and at run time']?.status).toBe('passed')
    expect(tests['misses an impossible budget']?.status).toBe('failed')
    expect(
      tests['serves the current interval of a monitor created from vitest-perf/monitor']?.status,
    ).toBe('passed')
  })

  it('prints a failure a person can act on', () => {
    const failed = results.testResults
      .flatMap(file => file.assertionResults)
      .find(t => t.title === 'misses an impossible budget')
    expect(failed?.failureMessages[0]).toMatch(
      /^Error: expected p95 latency ≤ 0\.001 ms, measured \d+\.\d ms \(p50 \d+\.\d, p99 \d+\.\d ms; 50 requests, 100% succeeded\)/,
    )
  })

  it('writes the compliance report through vitest-perf/reporter', async () => {
    const report = JSON.parse(await readFile(join(consumer, 'reports/perf-report.json'), 'utf8'))
    expect(report.scenarios.map((s: { label: string }) => s.label)).toEqual(['hello'])
    expect(report.scenarios[0].requests.total).toBe(50)
  })

  it('runs the vitest-perf monitor command from the installed bin and stops it on SIGTERM', async () => {
    const server = createServer((_req, res) => res.end('ok'))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const config = join(consumer, 'monitor.json')
    await writeFile(
      config,
      JSON.stringify({ port: 0, intervalMs: 200, endpoints: [{ name: 'hello', url: target }] }),
    )
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
    )
    const child = spawn(
      join(consumer, 'node_modules/.bin/vitest-perf'),
      ['monitor', '--config', config],
      {
        cwd: consumer,
        env: { ...env, MONITOR_TOKEN: '', REDIS_URL: '', PERFORMANCE_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', chunk => {
      output += chunk
    })
    child.stderr.on('data', chunk => {
      output += chunk
    })
    const exited = new Promise<number | null>(done => child.once('exit', code => done(code)))
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const check = setInterval(() => {
          const found = /monitor on (http:\S+):/.exec(output)
          if (found) {
            clearInterval(check)
            resolve(found[1] as string)
          }
        }, 50)
        exited.then(() => {
          clearInterval(check)
          reject(new Error(`the monitor exited: ${output}`))
        })
      })
      let status = 0
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await fetch(`${base}/api/metrics/current`)).status
        if (status !== 200) await new Promise(resolve => setTimeout(resolve, 50))
      }
      expect(status).toBe(200)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(output).toMatch(/monitor stopped/)
    } finally {
      child.kill('SIGKILL')
      server.close()
    }
  })

  it('says to use .mjs or "type": "module" when a .js monitor config is read as CommonJS', async () => {
    // `npm init` writes "type": "commonjs"; Node then reads a .js file with export as CommonJS.
    const project = join(consumer, 'commonjs-project')
    await mkdir(project, { recursive: true })
    await writeFile(join(project, 'package.json'), '{ "type": "commonjs" }\n')
    await writeFile(join(project, 'monitor.config.js'), 'export default { port: 0 }\n')
    const bin = join(consumer, 'node_modules/.bin/vitest-perf')
    const result = await run(bin, ['monitor', '--config', 'monitor.config.js'], project, 30_000)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--config: cannot read .*monitor\.config\.js: .*export/)
    expect(result.stderr).toMatch(
      /this project loads \.js files as CommonJS: name the config \.mjs, or set "type": "module"/,
    )
  })

  it("type-checks with the consumer's tsc --noEmit, matcher types included", async () => {
    const check = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer)
    expect(check.code, explain('tsc --noEmit', check)).toBe(0)
  })
})

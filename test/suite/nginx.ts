import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../support/processes.js'

/** nginx from Debian's packages, serving the four endpoints as static JSON on loopback. */
export interface StaticNginx {
  url: string
  stop(): Promise<void>
}

/** Static answers, shaped like the real service's, for the four paths. */
const ANSWERS: Record<string, unknown> = {
  '/health': { status: 'healthy' },
  '/api/v1/system/status': { status: 'operational', components: { api: 'healthy' } },
  '/api/v1/coordinator/think': { response: 'static plan', steps: [], confidence: 0.9 },
  '/api/v1/vectors/search': { results: [{ id: 'doc-1', score: 0.9 }], count: 1 },
}

/** The nginx binary: on PATH, or where Debian puts it (`/usr/sbin` is not on every PATH). */
export function nginxBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin')) {
    const candidate = join(dir, 'nginx')
    if (dir && existsSync(candidate)) return candidate
  }
  return undefined
}

/**
 * Starts nginx in the foreground with a throw-away prefix directory and a config that answers
 * each path with `return 200` (which also serves POST, since `return` runs before the static
 * module's method check). Resolves once the port accepts connections.
 */
export async function startStaticNginx(): Promise<StaticNginx> {
  const binary = nginxBinary()
  if (!binary) throw new Error('nginx is not installed (apt-get install nginx-light)')

  const dir = await mkdtemp(join(tmpdir(), 'vitest-perf-nginx-'))
  const port = await freePort()
  await writeFile(join(dir, 'nginx.conf'), config(dir, port))

  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', chunk => {
    stderr += chunk.toString()
  })

  try {
    await waitForPort(port, child, 10_000)
  } catch (error) {
    await stopChild(child)
    await rm(dir, { recursive: true, force: true })
    throw new Error(`nginx did not start: ${(error as Error).message}\n${stderr}`)
  }

  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await stopChild(child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

function config(dir: string, port: number): string {
  const locations = Object.entries(ANSWERS)
    .map(([path, body]) => `    location = ${path} { return 200 '${JSON.stringify(body)}'; }`)
    .join('\n')
  // As root, nginx would run its workers as `nobody`, which cannot use the temp directory.
  const user = process.getuid?.() === 0 ? 'user root;' : ''
  return `${user}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type application/json;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}
`
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`)
    if (await connects(port)) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`port ${port} did not accept connections within ${timeoutMs} ms`)
}

function connects(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  // SIGQUIT is nginx's graceful stop; SIGKILL if it has not ended in 5 s.
  child.kill('SIGQUIT')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

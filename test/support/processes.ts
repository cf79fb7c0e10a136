// Target servers in their own processes, for benchmarks (and tests that need a target that
// does not share the load generator's event loop): a Node `http` hello-world server and nginx
// from the system's packages. Each listens on 127.0.0.1 and is stopped by `close()`.
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A server running in a child process. */
export interface ProcessServer {
  /** `http://127.0.0.1:<port>`. */
  url: string
  /** The child's process id (for host recording). */
  pid: number
  close(): Promise<void>
}

const HELLO = `
const http = require('node:http')
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 11 })
  res.end('hello world')
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'))
process.stdin.on('end', () => process.exit(0)).resume()
`

/** A Node `http` hello-world server (11-byte body, keep-alive) in a child process. */
export async function startNodeHelloProcess(): Promise<ProcessServer> {
  const child = spawn(process.execPath, ['-e', HELLO], { stdio: ['pipe', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', code => reject(new Error(`hello server exited with ${code}`)))
    child.stdout?.once('data', chunk => resolve(Number(String(chunk).trim())))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    close: () => stop(child),
  }
}

/** Where Debian installs nginx; null when it is not installed. */
export function nginxPath(): string | null {
  for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path
  return null
}

/**
 * nginx serving a fixed 11-byte `hello world` on a free loopback port, from a temporary
 * config and prefix directory ('daemon off', so it is our child and dies with `close()`).
 */
export async function startNginx(workers = 1): Promise<ProcessServer> {
  const binary = nginxPath()
  if (binary === null) throw new Error('nginx is not installed')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-nginx-'))
  const config = join(dir, 'nginx.conf')
  writeFileSync(
    config,
    `worker_processes ${workers};
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  client_body_temp_path ${dir};
  proxy_temp_path ${dir};
  fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir};
  scgi_temp_path ${dir};
  server {
    listen 127.0.0.1:${port};
    location / {
      default_type text/plain;
      return 200 'hello world';
    }
  }
}
`,
  )
  const child = spawn(binary, ['-c', config, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', chunk => {
    stderr += String(chunk)
  })
  await waitForPort(port, child, () => stderr)
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    close: async () => {
      await stop(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr()}`)
    const open = await new Promise<boolean>(resolve => {
      const socket = netConnect({ port, host: '127.0.0.1' })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`nginx did not listen on ${port}: ${stderr()}`)
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 2000).unref()
  })
}

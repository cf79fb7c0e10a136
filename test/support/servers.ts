// Small loopback servers for tests: each listens on 127.0.0.1 port 0 and returns its URL, a count
// of the requests it received and `close()`, which also ends kept-alive connections so a test
// never waits on a socket.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { Socket } from 'node:net'

/** A server a test started. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string
  /** Requests received so far (for a closed port: always 0). */
  readonly received: number
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>
}

/** What a test server does with one request. */
export type TestHandler = (req: IncomingMessage, res: ServerResponse, index: number) => void

/** A server that answers every request with `handler`; `index` counts requests from 0. */
export async function startServer(handler: TestHandler): Promise<TestServer> {
  let received = 0
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const index = received++
    // Drain the request body so the connection stays usable for the next request.
    req.resume()
    handler(req, res, index)
  })
  server.keepAliveTimeout = 30_000
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  const url = await listen(server)
  return {
    url,
    get received() {
      return received
    },
    close: () => closeServer(server, sockets),
  }
}

/** Answers 200 with `body` after `delayMs` (0: at once). */
export function startDelayServer(delayMs = 0, body = 'ok'): Promise<TestServer> {
  return startServer((_req, res) => {
    const reply = () => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': Buffer.byteLength(body),
      })
      res.end(body)
    }
    if (delayMs > 0) setTimeout(reply, delayMs)
    else reply()
  })
}

/** Options of {@link startStallServer}. All times in ms. */
export interface StallOptions {
  /** Normal response delay, ms (default 0). */
  delayMs?: number
  /** When the stall window opens, ms after the first request arrived (default 2000). */
  afterMs?: number
  /** How long the window stays open, ms (default 1000). */
  windowMs?: number
  /**
   * How a request that arrives inside the window is held: `'window'` (default) holds it until
   * the window closes, like a server frozen by a pause; a number holds each such request that
   * many ms.
   */
  stall?: 'window' | number
}

/**
 * Answers 200 after `delayMs`, except that requests arriving during a window (counted from the
 * first request) are held: until the window closes, or a fixed time each.
 */
export function startStallServer(options: StallOptions = {}): Promise<TestServer> {
  const { delayMs = 0, afterMs = 2000, windowMs = 1000, stall = 'window' } = options
  let first = 0

  return startServer((_req, res) => {
    const now = performance.now()
    if (first === 0) first = now
    const opens = first + afterMs
    const closes = opens + windowMs
    let wait = delayMs
    if (now >= opens && now < closes) wait = stall === 'window' ? closes - now : stall
    const reply = () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 })
      res.end('ok')
    }
    if (wait > 0) setTimeout(reply, wait)
    else reply()
  })
}

/** Answers every request with `status` (default 500) and a short body. */
export function startStatusServer(status = 500): Promise<TestServer> {
  return startServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': 5 })
    res.end('error')
  })
}

/**
 * Resets the connection (TCP RST) instead of answering. With `every` > 1 only every n-th
 * request is reset; the others get 200.
 */
export function startResetServer(every = 1): Promise<TestServer> {
  return startServer((req, res, index) => {
    if (index % every === 0) {
      req.socket.resetAndDestroy()
      return
    }
    res.writeHead(200, { 'content-length': 2 })
    res.end('ok')
  })
}

/** Accepts connections and reads requests but never answers: every request times out. */
export function startSilentServer(): Promise<TestServer> {
  return startServer(() => {})
}

/** Answers with the JSON `body` (a value or a function of the request index). */
export function startJsonServer(body: unknown | ((index: number) => unknown)): Promise<TestServer> {
  return startServer((_req, res, index) => {
    const value = typeof body === 'function' ? (body as (index: number) => unknown)(index) : body
    const text = JSON.stringify(value)
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  })
}

/**
 * Echoes what it received as JSON: method, url, headers and the body as text. For tests of
 * what the engine sends.
 */
export function startEchoServer(): Promise<TestServer> {
  let received = 0
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    received++
    const chunks: Buffer[] = []
    req.on('data', chunk => chunks.push(chunk as Buffer))
    req.on('end', () => {
      const text = JSON.stringify({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      })
      res.end(text)
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return listen(server).then(url => ({
    url,
    get received() {
      return received
    },
    close: () => closeServer(server, sockets),
  }))
}

/**
 * A loopback URL on which nothing listens (connections are refused): a port the OS handed out
 * and that was closed again at once.
 */
export async function closedPort(): Promise<TestServer> {
  const server = createServer()
  const url = await listen(server)
  await new Promise<void>(resolve => server.close(() => resolve()))
  return { url, received: 0, close: async () => {} }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        reject(new Error('test server has no TCP address'))
        return
      }
      resolve(`http://127.0.0.1:${address.port}`)
    })
  })
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy()
  server.closeAllConnections()
  return new Promise(resolve => server.close(() => resolve()))
}

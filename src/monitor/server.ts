import { timingSafeEqual } from 'node:crypto'
import websocket from '@fastify/websocket'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Fastify from 'fastify'
import type { WebSocket } from 'ws'
import { logger } from '../config/logger.js'
import { unitOf } from './analysis.js'
import { isLoopback, PLAIN_DECIMAL } from './options.js'
import { renderPrometheus } from './prometheus.js'
import type {
  Alert,
  HistoryPoint,
  MonitorHealth,
  MonitorInsights,
  MonitorMessage,
  MonitorPredictions,
  MonitorSnapshot,
  ResolvedMonitorOptions,
} from './types.js'
import { ENDPOINT_METRICS, HOST_METRICS } from './types.js'

/** What the server reads from the monitor. */
export interface ServerSource {
  options: ResolvedMonitorOptions
  latest(): MonitorSnapshot | null
  history(component: string, metric: string, since: number): Promise<HistoryPoint[]>
  /** Custom metric names the history knows (collectors and what Redis held). */
  customMetrics(): string[]
  alerts(): Alert[]
  /** Recently resolved alerts, newest first. */
  resolvedAlerts(): Alert[]
  insights(): MonitorInsights
  predictions(horizonMinutes: number): MonitorPredictions
  health(): MonitorHealth
  /** The dashboard page. */
  page(): string
}

/** `GET /api/metrics/historical/{component}/{metric}`. */
export interface HistoricalResponse {
  component: string
  metric: string
  unit: string
  hours: number
  /** Points oldest first: `t` epoch ms, `v` in `unit`. */
  points: HistoryPoint[]
}

/** The largest `hours` the history API takes (30 days). */
export const MAX_HOURS = 720
/** The largest `horizon_minutes` the predictions API takes (one day). */
export const MAX_HORIZON_MINUTES = 1440

/** A numeric query parameter: its largest value, its default and what a 400 quotes. */
interface NumberParameter {
  name: string
  max: number
  fallback: number
  allowed: string
}

const HOURS: NumberParameter = {
  name: 'hours',
  max: MAX_HOURS,
  fallback: 24,
  allowed: `a number of hours greater than 0 and at most ${MAX_HOURS} (default 24)`,
}
const HORIZON: NumberParameter = {
  name: 'horizon_minutes',
  max: MAX_HORIZON_MINUTES,
  fallback: 60,
  allowed: `a number of minutes greater than 0 and at most ${MAX_HORIZON_MINUTES} (default 60)`,
}

/** What each validated field allows, quoted in 400 responses. */
const ALLOWED: Record<string, string> = {
  hours: HOURS.allowed,
  horizon_minutes: HORIZON.allowed,
  token: 'the monitor token',
}

const tokenProperty = { token: { type: 'string' } }

/**
 * The monitor's HTTP and WebSocket server: Fastify with JSON-schema validation of every
 * parameter, and `@fastify/websocket` for `/ws/metrics`. Messages are serialised once per
 * broadcast; a client whose unsent data passes `maxClientBufferBytes` is dropped instead of
 * letting its queue grow without bound, and one that does not answer a ping within
 * `heartbeatMs` is dropped too.
 */
export class MonitorServer {
  readonly app: FastifyInstance
  private readonly source: ServerSource
  private readonly clients = new Set<WebSocket>()
  /** Clients that have not answered the latest ping. */
  private readonly unanswered = new WeakSet<WebSocket>()
  private heartbeat: NodeJS.Timeout | null = null
  private dropped = 0
  /** Handling times of the latest API requests, ms (a ring; the WebSocket route excluded). */
  private readonly timings = new Float64Array(1024)
  private timed = 0

  constructor(source: ServerSource) {
    this.source = source
    this.app = Fastify({
      logger: false,
      // Stopping must not wait on kept-alive or refused-upgrade connections a client left open.
      forceCloseConnections: true,
      ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
    })
    this.app.setErrorHandler((error: FastifyError, request, reply) =>
      this.onError(error, request, reply),
    )
    this.app.setNotFoundHandler((request, reply) => {
      reply.code(404).send({
        error: 'Not Found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      })
    })
    this.app.register(websocket, {
      options: { maxPayload: 4096 },
    })
    this.app.addHook('onResponse', async (request, reply) => {
      if (request.url.startsWith('/api/'))
        this.timings[this.timed++ % this.timings.length] = reply.elapsedTime
    })
    this.app.register(async app => {
      // Added after the WebSocket plugin's own hooks, so a refused upgrade still runs its
      // clean-up (it destroys the upgrade socket once the 401 is sent).
      app.addHook('onRequest', async (request, reply) => this.authorize(request, reply))
      this.routes(app)
    })
  }

  /** Connected WebSocket clients. */
  get clientCount(): number {
    return this.clients.size
  }

  /** WebSocket clients dropped for being too slow, since start. */
  get droppedClients(): number {
    return this.dropped
  }

  async listen(): Promise<string> {
    const { port, host } = this.source.options
    await this.app.listen({ port, host })
    this.heartbeat = setInterval(() => this.ping(), this.source.options.heartbeatMs)
    this.heartbeat.unref()
    const address = this.app.server.address()
    const bound = typeof address === 'object' && address ? address.port : port
    const shown = host.includes(':') ? `[${host}]` : host
    return `http://${shown}:${bound}`
  }

  /** Sends one message to every client; drops the ones that cannot keep up. */
  broadcast(message: MonitorMessage): void {
    if (!this.clients.size) return
    const data = JSON.stringify(message)
    const limit = this.source.options.maxClientBufferBytes
    for (const socket of this.clients) {
      if (socket.readyState !== socket.OPEN) continue
      if (socket.bufferedAmount > limit) {
        this.drop(socket, limit)
        continue
      }
      socket.send(data)
    }
  }

  /** Closes every client (1001, going away) and the server. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat)
    for (const socket of this.clients) socket.close(1001, 'monitor stopping')
    this.clients.clear()
    await this.app.close()
  }

  /** Quantiles 0.5, 0.95, 0.99 of the recent API handling times, ms; null before any request. */
  requestQuantiles(): Record<string, number> | null {
    const count = Math.min(this.timed, this.timings.length)
    if (!count) return null
    const sorted = this.timings.slice(0, count).sort()
    const at = (q: number) =>
      Math.round((sorted[Math.min(count - 1, Math.floor(q * count))] as number) * 1000) / 1000
    return { '0.5': at(0.5), '0.95': at(0.95), '0.99': at(0.99) }
  }

  private drop(socket: WebSocket, limit: number): void {
    this.dropped += 1
    this.clients.delete(socket)
    logger().warn('monitor: dropped a slow WebSocket client', {
      bufferedBytes: socket.bufferedAmount,
      limit,
    })
    // terminate, not close: a close frame would queue behind the data the client is not reading.
    socket.terminate()
  }

  /**
   * Pings every client and drops those that did not answer the previous ping. A client that
   * vanished without closing (a laptop lid shut, a network gone) sends no close frame and
   * reads nothing, and TCP can take many minutes to give up on it; until then it would be
   * sent every message.
   */
  private ping(): void {
    for (const socket of this.clients) {
      if (this.unanswered.has(socket)) {
        this.dropped += 1
        this.clients.delete(socket)
        logger().info('monitor: dropped a WebSocket client that did not answer a ping', {
          heartbeatMs: this.source.options.heartbeatMs,
        })
        socket.terminate()
        continue
      }
      this.unanswered.add(socket)
      socket.ping()
    }
  }

  private routes(app: FastifyInstance): void {
    const source = this.source

    app.get('/', (_request, reply) => {
      reply.type('text/html; charset=utf-8').send(source.page())
    })

    app.get('/health', { schema: { querystring: strictQuery({}) } }, request => {
      const health = source.health()
      if (this.hasToken(request)) return health
      // Open to health checks without the token, so it says how the monitor is, not what it
      // watches: problem messages name the probed URLs and Redis.
      const { status, uptimeSeconds, lastSampleAt, samples } = health
      return { status, uptimeSeconds, lastSampleAt, samples, problems: health.problems.length }
    })

    app.get('/metrics', { schema: { querystring: strictQuery({}) } }, (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(
        renderPrometheus({
          snapshot: source.latest(),
          alerts: source.alerts(),
          health: source.health(),
          droppedClients: this.dropped,
          requestMs: this.requestQuantiles(),
        }),
      )
    })

    app.get(
      '/api/metrics/current',
      { schema: { querystring: strictQuery({}) } },
      (_request, reply) => {
        const snapshot = source.latest()
        if (!snapshot) {
          reply
            .code(503)
            .send({ error: 'Service Unavailable', message: 'no interval has completed yet' })
          return
        }
        reply.send(snapshot)
      },
    )

    app.get<{ Params: { component: string; metric: string }; Querystring: { hours?: string } }>(
      '/api/metrics/historical/:component/:metric',
      {
        schema: {
          params: {
            type: 'object',
            properties: { component: { type: 'string' }, metric: { type: 'string' } },
            required: ['component', 'metric'],
          },
          // Numbers are read as text and parsed by `numberParameter`: the schema's own number
          // coercion lets Infinity and 1e999 through its range checks.
          querystring: strictQuery({ hours: { type: 'string' } }),
        },
      },
      async (request, reply) => {
        const { component, metric } = request.params
        const allowed = this.allowedSeries()
        // Own keys only: `__proto__` or `constructor` must not find the object's prototype.
        const metrics = Object.hasOwn(allowed, component) ? allowed[component] : undefined
        if (!metrics) {
          return reply.code(400).send({
            error: 'Bad Request',
            message: `unknown component ${JSON.stringify(component)}; allowed: ${Object.keys(allowed).join(', ')}`,
            field: 'component',
            allowed: Object.keys(allowed),
          })
        }
        if (!metrics.includes(metric)) {
          return reply.code(400).send({
            error: 'Bad Request',
            message: `unknown metric ${JSON.stringify(metric)} for ${component}; allowed: ${metrics.join(', ') || '(none yet)'}`,
            field: 'metric',
            allowed: metrics,
          })
        }
        const hours = numberParameter(request.query.hours, HOURS)
        const points = await source.history(component, metric, Date.now() - hours * 3_600_000)
        const body: HistoricalResponse = {
          component,
          metric,
          unit: unitOf(component, metric),
          hours,
          points,
        }
        return body
      },
    )

    app.get('/api/alerts/active', { schema: { querystring: strictQuery({}) } }, () => ({
      alerts: source.alerts(),
    }))

    app.get('/api/alerts/resolved', { schema: { querystring: strictQuery({}) } }, () => ({
      alerts: source.resolvedAlerts(),
    }))

    app.get('/api/analysis/ai-insights', { schema: { querystring: strictQuery({}) } }, () =>
      source.insights(),
    )

    app.get<{ Querystring: { horizon_minutes?: string } }>(
      '/api/analysis/predictions',
      { schema: { querystring: strictQuery({ horizon_minutes: { type: 'string' } }) } },
      request => source.predictions(numberParameter(request.query.horizon_minutes, HORIZON)),
    )

    const wsOptions = { websocket: true, schema: { querystring: strictQuery({}) } } as const
    app.get('/ws/metrics', wsOptions, (socket: WebSocket) => {
      this.clients.add(socket)
      socket.on('pong', () => this.unanswered.delete(socket))
      socket.on('close', () => this.clients.delete(socket))
      socket.on('error', () => this.clients.delete(socket))
      // A new client gets the latest state at once rather than waiting up to an interval.
      const snapshot = source.latest()
      if (snapshot)
        socket.send(
          JSON.stringify({ type: 'metrics_update', metrics: snapshot } satisfies MonitorMessage),
        )
      socket.send(
        JSON.stringify({
          type: 'ai_insights',
          insights: source.insights(),
        } satisfies MonitorMessage),
      )
    })
  }

  /** Components and their metrics the history API accepts. */
  private allowedSeries(): Record<string, string[]> {
    const allowed: Record<string, string[]> = { host: [...HOST_METRICS] }
    for (const endpoint of this.source.options.endpoints)
      allowed[endpoint.name] = [...ENDPOINT_METRICS]
    allowed.custom = this.source.customMetrics()
    return allowed
  }

  /** With a token set, every route but `/health` and the page needs it, as
   * `Authorization: Bearer <token>` or `?token=` (browsers cannot set WebSocket headers), and
   * no wrong token beside it.
   * Without one, only requests addressed to a loopback name from a loopback page are served. */
  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = this.source.options.token
    if (!token) {
      const foreign = foreignRequest(request)
      if (foreign) await reply.code(403).send({ error: 'Forbidden', message: foreign })
      return
    }
    const path = request.url.split('?')[0]
    if (path === '/health' || path === '/') return

    if (this.hasToken(request)) return
    const message = presentedTokens(request).length
      ? 'a token this request gives is not MONITOR_TOKEN; every token given (the Bearer ' +
        'header and each ?token=) must be right'
      : 'this monitor needs its token: Authorization: Bearer <MONITOR_TOKEN> or ?token='
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'Unauthorized', message })
  }

  /**
   * True when no token is set, or the request presents at least one token and every token it
   * presents is the right one. A right header does not excuse a wrong `?token=`, nor the other
   * way round: which of two tokens wins would otherwise depend on where each was given.
   */
  private hasToken(request: FastifyRequest): boolean {
    const token = this.source.options.token
    if (!token) return true
    const given = presentedTokens(request)
    return given.length > 0 && given.every(value => sameSecret(value, token))
  }

  private onError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    if (error instanceof QueryError) {
      reply.code(400).send(error.body())
      return
    }
    if (error.validation) {
      reply.code(400).send(validationBody(error, request))
      return
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    if (status >= 500) logger().error('monitor: request failed', { error: error.message })
    reply.code(status).send({
      error: status >= 500 ? 'Internal Server Error' : 'Bad Request',
      message: error.message,
    })
  }
}

/** A 400 body for a schema failure: the field, what is wrong, and what is allowed. */
function validationBody(error: FastifyError, request: FastifyRequest) {
  const first = error.validation?.[0]
  const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty
  if (first?.keyword === 'additionalProperties' && extra) {
    const schema = request.routeOptions.schema?.querystring as
      | { properties?: Record<string, unknown> }
      | undefined
    const known = Object.keys(schema?.properties ?? {})
    return {
      error: 'Bad Request',
      message: `unknown query parameter ${JSON.stringify(extra)}; allowed here: ${known.join(', ')}`,
      field: extra,
      allowed: known.join(', '),
    }
  }
  const field = first?.instancePath.replace(/^\//, '') ?? ''
  const allowed = ALLOWED[field] ?? null
  // A parameter given twice (`?hours=1&hours=2`) arrives as an array.
  const query = error.validationContext === 'querystring' ? request.query : undefined
  const given = (query as Record<string, unknown> | undefined)?.[field]
  const problem = Array.isArray(given)
    ? `given ${given.length} times; give it once`
    : (first?.message ?? 'is invalid')
  const what = `${field || error.validationContext || 'request'}: ${problem}`
  return {
    error: 'Bad Request',
    message: allowed ? `${what}; allowed: ${allowed}` : what,
    field,
    allowed,
  }
}

/** A bad query parameter found after schema validation; answered like a schema failure. */
class QueryError extends Error {
  readonly statusCode = 400
  readonly field: string
  readonly allowed: string

  constructor(field: string, message: string, allowed: string) {
    super(message)
    this.field = field
    this.allowed = allowed
  }

  body() {
    return { error: 'Bad Request', message: this.message, field: this.field, allowed: this.allowed }
  }
}

/**
 * A numeric query parameter: its default when absent, else a plain decimal number greater
 * than 0 and at most its maximum. Empty text, `Infinity`, `NaN` and `1e999` (which parses to
 * Infinity) are refused with a `QueryError`.
 */
function numberParameter(text: string | undefined, parameter: NumberParameter): number {
  if (text === undefined) return parameter.fallback
  const value = Number(text)
  if (PLAIN_DECIMAL.test(text) && Number.isFinite(value) && value > 0 && value <= parameter.max) {
    return value
  }
  const got = text === '' ? 'an empty value' : JSON.stringify(text)
  throw new QueryError(
    parameter.name,
    `${parameter.name}: got ${got}; allowed: ${parameter.allowed}`,
    parameter.allowed,
  )
}

function strictQuery(properties: Record<string, object>) {
  return {
    type: 'object',
    properties: { ...properties, ...tokenProperty },
    additionalProperties: false,
  }
}

/**
 * The tokens a request presents: the `Authorization: Bearer` header's and every `?token=`.
 * The scheme is case-insensitive (RFC 7235, section 2.1): `bearer` is `Bearer`. A header with
 * another scheme (a proxy's Basic credentials, say) is not a monitor token and is left out.
 */
function presentedTokens(request: FastifyRequest): string[] {
  const given = new URL(request.url, 'http://x').searchParams.getAll('token')
  const bearer = /^bearer +(.+)$/i.exec(request.headers.authorization ?? '')
  if (bearer) given.push(bearer[1] as string)
  return given
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Why a request to a monitor without a token is refused, or null. Bound to loopback and
 * without a token, the monitor trusts whoever can reach it, but a web page in the user's
 * browser can reach it too: through a WebSocket (which has no same-origin rule, so the page's
 * `Origin` is checked) or through a DNS name of its own that it points at 127.0.0.1 (DNS
 * rebinding, so the `Host` is checked).
 */
function foreignRequest(request: FastifyRequest): string | null {
  const host = request.headers.host ?? ''
  if (!isLoopback(hostnameOf(`http://${host}`))) {
    return (
      `Host ${JSON.stringify(host)} is not a loopback name; without a token this monitor ` +
      'serves only 127.0.0.1, ::1 and localhost (set MONITOR_TOKEN to serve other names)'
    )
  }
  const origin = request.headers.origin
  if (origin && !isLoopback(hostnameOf(origin))) {
    return (
      `Origin ${JSON.stringify(origin)} is not a loopback page; without a token this monitor ` +
      'serves only pages from 127.0.0.1, ::1 and localhost (set MONITOR_TOKEN to allow others)'
    )
  }
  return null
}

/** The host name of a URL, `[::1]` as `::1`; empty when it is not a URL. */
function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')
  } catch {
    return ''
  }
}

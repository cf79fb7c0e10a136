import type { Dispatcher } from 'undici'
import { describe, invalidOption, PerfConfigError } from '../errors.js'
import type { RequestSpec } from './types.js'

/** A request ready to dispatch: its options object is built once and reused for every send. */
export interface PreparedRequest {
  /** Upper-case method. */
  method: string
  /** `scheme://host:port` of the target. */
  origin: string
  /** Path and query. */
  path: string
  /** The full URL, for labels and the result's target (not redacted). */
  url: string
  /** What undici's `dispatch` receives. */
  dispatch: Dispatcher.DispatchOptions
}

const REQUEST_KEYS = ['url', 'method', 'headers', 'body'] as const
const METHOD = /^[A-Za-z]+$/
/** A header name is a token (RFC 9110, section 5.6.2). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/**
 * What undici, like Node, refuses in a header value: a control character other than tab (CR and
 * LF would end the header and start another), or a character past Latin-1. Every request of
 * such a scenario would fail as UND_ERR_INVALID_ARG, so it is refused before anything is sent.
 */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/
/** Headers undici manages itself and refuses from a caller, failing every request. */
const CLIENT_HEADERS = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'expect'])

/** The names a request entry may use, for unknown-option messages. */
export const requestKeys: readonly string[] = REQUEST_KEYS

/**
 * The base relative paths resolve against: none, a URL, or the error of a base URL from the
 * environment that is not one. That error is thrown only when a relative path needs the base:
 * a stray `PERF_BASE_URL` must not fail scenarios whose URLs are all absolute.
 */
export type BaseUrl = URL | PerfConfigError | undefined

/**
 * Checks one request (merged over the scenario's defaults) and prepares it. `where` names it in
 * messages (`url`, `requests[2]`); `base` resolves relative paths. Throws `PerfConfigError`.
 */
export function prepareRequest(
  spec: RequestSpec,
  defaults: RequestSpec,
  base: BaseUrl,
  where: string,
): PreparedRequest {
  const prefix = where ? `${where}.` : ''
  const rawUrl = spec.url ?? defaults.url
  const url = resolveUrl(rawUrl, base, `${prefix}url`)

  const method = spec.method ?? defaults.method ?? 'GET'
  if (typeof method !== 'string' || !METHOD.test(method)) {
    throw invalidOption(`${prefix}method`, method, 'allowed: an HTTP method such as GET or POST')
  }

  const headers: Record<string, string> = {}
  mergeHeaders(headers, defaults.headers, where ? 'headers' : 'headers')
  mergeHeaders(headers, spec.headers, `${prefix}headers`)

  const body = encodeBody(spec.body ?? defaults.body, `${prefix}body`, headers)
  const upper = method.toUpperCase()
  const path = `${url.pathname}${url.search}`
  return {
    method: upper,
    origin: url.origin,
    path,
    url: url.href,
    dispatch: {
      method: upper as Dispatcher.HttpMethod,
      path,
      // No headers object at all when there are none: undici walks it on every dispatch.
      headers: Object.keys(headers).length > 0 ? headers : null,
      body,
      // The engine times requests out itself; undici's own limits would race it.
      headersTimeout: 0,
      bodyTimeout: 0,
    },
  }
}

/** An absolute http(s) URL, or a path resolved against `base`. */
export function resolveUrl(value: unknown, base: BaseUrl, option: string): URL {
  if (value === undefined) {
    throw new PerfConfigError(
      option,
      `${option}: missing; give an absolute http(s) URL, or a path with baseUrl or PERF_BASE_URL set`,
    )
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidOption(option, value, 'allowed: an absolute http(s) URL or a path like /users')
  }
  const text = value.trim()
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(text)
  if (!absolute && base instanceof PerfConfigError) throw base
  if (!absolute && base === undefined) {
    throw invalidOption(
      option,
      value,
      'a relative path needs a base URL: set the baseUrl option or PERF_BASE_URL',
    )
  }

  let url: URL
  try {
    url = absolute ? new URL(text) : new URL(joinPath(base as URL, text))
  } catch {
    throw invalidOption(option, value, 'allowed: an absolute http(s) URL or a path like /users')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidOption(option, value, 'allowed: http: or https: URLs only')
  }
  return url
}

/** Checks a base URL: absolute http(s). */
export function parseBaseUrl(value: unknown, option: string): URL {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value.trim())) {
    throw invalidOption(
      option,
      value,
      'allowed: an absolute http(s) URL like http://localhost:3000',
    )
  }
  try {
    return new URL(value.trim())
  } catch {
    throw invalidOption(
      option,
      value,
      'allowed: an absolute http(s) URL like http://localhost:3000',
    )
  }
}

// `new URL('/users', 'http://h/api/')` drops `/api`; users expect the base's path kept.
function joinPath(base: URL, path: string): string {
  const root = base.href.replace(/[?#].*$/, '').replace(/\/+$/, '')
  return `${root}${path.startsWith('/') ? '' : '/'}${path}`
}

function mergeHeaders(into: Record<string, string>, headers: unknown, option: string) {
  if (headers === undefined) return
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw invalidOption(option, headers, 'allowed: an object of header names to string values')
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new PerfConfigError(
        `${option}[${JSON.stringify(name)}]`,
        `${option}[${JSON.stringify(name)}]: not a header name; allowed: letters, digits and !#$%&'*+-.^_\`|~`,
      )
    }
    const where = `${option}.${name}`
    if (CLIENT_HEADERS.has(name.toLowerCase())) {
      throw new PerfConfigError(
        where,
        `${where}: undici, which sends the requests, sets or refuses this header itself; remove it`,
      )
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw invalidOption(where, value, 'allowed: a string or a number')
    }
    const text = String(value)
    const bad = BAD_VALUE_CHAR.exec(text)
    if (bad !== null) {
      // The value is not repeated: a header is where tokens and passwords go.
      throw new PerfConfigError(
        where,
        `${where}: the value holds ${characterName(bad[0])} at character ${bad.index + 1}; allowed: a value without CR, LF, NUL or other control characters (tab is fine), in Latin-1`,
      )
    }
    into[name.toLowerCase()] = text
  }
}

function encodeBody(
  body: unknown,
  option: string,
  headers: Record<string, string>,
): string | Buffer | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return body
  if (Buffer.isBuffer(body)) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (typeof body === 'object') {
    let text: string
    try {
      text = JSON.stringify(body)
    } catch (error) {
      throw new PerfConfigError(
        option,
        `${option}: got ${describe(body)}, which cannot be sent as JSON (${(error as Error).message})`,
      )
    }
    headers['content-type'] ??= 'application/json'
    return text
  }
  throw invalidOption(
    option,
    body,
    'allowed: a string, a Buffer, or an object or array sent as JSON',
  )
}

/** Checks that a request entry uses only known names. */
export function requestKeyProblem(entry: object): string | undefined {
  return Object.keys(entry).find(key => !(REQUEST_KEYS as readonly string[]).includes(key))
}

function characterName(char: string): string {
  const names: Record<string, string> = { '\r': 'CR', '\n': 'LF', '\0': 'NUL' }
  const code = char.codePointAt(0) as number
  return names[char] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

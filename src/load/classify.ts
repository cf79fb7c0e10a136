import { errors } from 'undici'

/**
 * The error kinds a failed request is counted under. Statuses outside `expectStatus` count as
 * `status_<code>` (`status_503`); a failed `check` as `check`; anything unrecognised under its
 * error code, or `other`.
 */
export const ERROR_KINDS = {
  /** No complete response within `timeout` (connect, headers or body). */
  timeout: 'timeout',
  /** Nothing listens on the port. */
  refused: 'ECONNREFUSED',
  /** The connection was reset or closed by the other side before the response ended. */
  reset: 'ECONNRESET',
  /** The host name could not be resolved. */
  dns: 'dns',
  /** The response check returned false or threw. */
  check: 'check',
  /** The `requests` function returned a request that could not be sent (bad URL, other origin). */
  invalidRequest: 'invalid_request',
  /** The reply is not HTTP/1.1 (another protocol on the port, or a broken response). */
  invalidResponse: 'invalid_response',
  /** An error without a code the engine knows. */
  other: 'other',
} as const

const BY_CODE: Record<string, string> = {
  ETIMEDOUT: ERROR_KINDS.timeout,
  UND_ERR_CONNECT_TIMEOUT: ERROR_KINDS.timeout,
  UND_ERR_HEADERS_TIMEOUT: ERROR_KINDS.timeout,
  UND_ERR_BODY_TIMEOUT: ERROR_KINDS.timeout,
  ECONNREFUSED: ERROR_KINDS.refused,
  ECONNRESET: ERROR_KINDS.reset,
  EPIPE: ERROR_KINDS.reset,
  // undici's "other side closed": the server closed the socket mid-request, which a client
  // sees the same way as a reset.
  UND_ERR_SOCKET: ERROR_KINDS.reset,
  ENOTFOUND: ERROR_KINDS.dns,
  EAI_AGAIN: ERROR_KINDS.dns,
  EAI_FAIL: ERROR_KINDS.dns,
  EAI_NONAME: ERROR_KINDS.dns,
  EAI_NODATA: ERROR_KINDS.dns,
}

/** Kinds that say what happened by themselves; the others are worth their first message. */
const PLAIN_KINDS = new Set<string>([
  ERROR_KINDS.timeout,
  ERROR_KINDS.refused,
  ERROR_KINDS.reset,
  ERROR_KINDS.dns,
])

/** The kind a transport error is counted under. */
export function classifyError(error: unknown): string {
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause)
  if (code !== undefined) return BY_CODE[code] ?? code
  // undici 7 means to give a parser error its llhttp code (HPE_...) but looks the code up by
  // number in a table keyed by name, so the error arrives with none.
  if (error instanceof errors.HTTPParserError) return ERROR_KINDS.invalidResponse
  return ERROR_KINDS.other
}

/** Whether a transport error's kind says what happened without the error's message. */
export function isPlainKind(kind: string): boolean {
  return PLAIN_KINDS.has(kind)
}

/** The error kind of an unexpected status. */
export function statusKind(status: number): string {
  return `status_${status}`
}

/** The engine's own timeout, raised when a request exceeds `timeout`. */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT'

  constructor(timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`)
    this.name = 'RequestTimeoutError'
  }
}

function codeOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

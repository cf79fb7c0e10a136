import type { CheckResponse } from './types.js'

/** Where a check's body request is answered from: the exchange buffering the response. */
export interface BodySource {
  /** Starts buffering the body; resolves with it when the response ends. */
  requestBody(): Promise<Buffer>
}

/**
 * The response a `check` sees. Headers are parsed only when read; the body is buffered only
 * when a body method is called.
 */
export class ResponseView implements CheckResponse {
  readonly status: number
  private readonly rawHeaders: Buffer[]
  private readonly source: BodySource
  private parsed: Record<string, string> | undefined

  constructor(status: number, rawHeaders: Buffer[], source: BodySource) {
    this.status = status
    this.rawHeaders = rawHeaders
    this.source = source
  }

  get headers(): Record<string, string> {
    this.parsed ??= parseHeaders(this.rawHeaders)
    return this.parsed
  }

  bytes(): Promise<Buffer> {
    return this.source.requestBody()
  }

  async text(): Promise<string> {
    return (await this.source.requestBody()).toString('utf8')
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }
}

function parseHeaders(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = String(raw[i]).toLowerCase()
    const value = String(raw[i + 1])
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  return headers
}

/**
 * Runs a check and turns what it returns into a verdict: `false` or a throw fails; anything
 * else passes. A promise becomes a promise of the verdict that never rejects.
 */
export function runCheck(
  check: (response: CheckResponse) => unknown,
  response: CheckResponse,
): boolean | Promise<boolean> {
  let outcome: unknown
  try {
    outcome = check(response)
  } catch {
    return false
  }
  if (outcome !== null && typeof (outcome as Promise<unknown>)?.then === 'function') {
    return Promise.resolve(outcome).then(
      value => value !== false,
      () => false,
    )
  }
  return outcome !== false
}

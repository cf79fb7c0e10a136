import type { Duration } from '../config/duration.js'
import type { ObjectivesInput } from '../slo/index.js'
import type { TimelineEntry } from '../types.js'

/** A JSON value sent as a request body (with `content-type: application/json`). */
export type JsonBody = Record<string, unknown> | unknown[]

/** One request: where to send it and what to send. */
export interface RequestSpec {
  /** Absolute `http(s)` URL, or a path resolved against `baseUrl`. */
  url?: string
  /** HTTP method, default `GET`. */
  method?: string
  /** Request headers; names are case-insensitive. */
  headers?: Record<string, string | number>
  /** A string or bytes sent as they are, or an object or array sent as JSON. */
  body?: string | Uint8Array | JsonBody
}

/** What a `check` sees of a response. */
export interface CheckResponse {
  /** HTTP status code. */
  status: number
  /** Response headers, names in lower case (repeated headers joined with `, `). */
  headers: Record<string, string>
  /**
   * The body as text. Only a check that calls a body method before it awaits anything else
   * gets the body; a check that never asks costs no buffering.
   */
  text(): Promise<string>
  /** The body parsed as JSON. */
  json(): Promise<unknown>
  /** The body's bytes. */
  bytes(): Promise<Buffer>
}

/**
 * A response check: returning `false`, or throwing (or rejecting), fails the request as
 * `check`; anything else passes.
 */
export type Check = (response: CheckResponse) => boolean | undefined | Promise<boolean | undefined>

/** One step of a ramping arrival rate: reach `target` req/s linearly over `duration`. */
export interface Stage {
  /** How long the ramp takes: ms, or `'30s'`, `'2m'`. */
  duration: Duration
  /** Arrival rate at the end of the stage, requests per second (>= 0). */
  target: number
}

/** When to stop a run early because its objectives fail. */
export interface AbortOnFail {
  /** Judge only after this much of the measured phase, default 5 s. */
  after?: Duration
  /** Judge the last this-much of the run (whole seconds), default 5 s. */
  window?: Duration
}

/** Called once a second with the second that just ended. */
export interface ProgressEntry extends TimelineEntry {
  /** Time since the measured phase began, ms. */
  elapsedMs: number
  /** Totals so far in the measured phase. */
  requests: { total: number; succeeded: number; failed: number; dropped: number }
}

/**
 * A load scenario. The closed model (the default) keeps `connections` busy back to back; giving
 * `rate` or `stages` selects the open model, in which requests arrive on a schedule whatever
 * the service's speed. Every option is checked by `validateScenario` before anything is sent.
 */
export interface Scenario extends RequestSpec {
  /** Label for results and objectives; default: the method and path. */
  name?: string
  /** Base for relative URLs; default `PERF_BASE_URL`, else `SUTAZAI_BASE_URL`. */
  baseUrl?: string
  /**
   * Varied traffic: a list of requests taken round-robin, or a function of the request's index
   * (from 0). Fields left out fall back to the scenario's `url`, `method`, `headers`, `body`.
   * The function is also called with 0 during validation: keep it free of side effects.
   */
  requests?: RequestSpec[] | ((index: number) => RequestSpec)
  /** Per-request time limit, default 10 s. A request over it fails as `timeout`. */
  timeout?: Duration
  /** Statuses counted as success: a code, a list, or `{ min, max }`; default 200..399. */
  expectStatus?: number | number[] | { min: number; max: number }
  /** Optional response check; see {@link Check}. */
  check?: Check

  /** Closed model: connections, each sending its next request when the last ends, default 10. Open model: the most connections opened, default `maxInFlight`. */
  connections?: number
  /** Requests outstanding per connection (HTTP/1.1 pipelining), default 1. */
  pipelining?: number
  /** Measured phase length: ms or `'30s'`; default 10 s unless `iterations` or `stages` say. */
  duration?: Duration
  /** Exact number of requests to send in the measured phase (k6's iterations). */
  iterations?: number
  /** Closed model: pause between a response and the connection's next request, default 0. */
  thinkTime?: Duration

  /** Open model: constant arrival rate, requests per second; with `stages`, the starting rate (default 0). */
  rate?: number
  /** Open model: ramp the arrival rate linearly to each stage's target in turn. */
  stages?: Stage[]
  /** Open model: most requests in flight (sent or waiting for a connection), default 1000. */
  maxInFlight?: number

  /** Time to send requests before measuring; excluded from every statistic. Default 0. */
  warmup?: Duration
  /** Stops the run early; the partial result is returned with `aborted: true`. */
  signal?: AbortSignal
  /** Called once a second of the measured phase with that second's entry and the totals. */
  onProgress?: (entry: ProgressEntry) => void
  /** Objectives for this scenario's label: a row, k6-style strings, or a table keyed by label. */
  objectives?: ObjectivesInput
  /** Stop early when `objectives` fail over a rolling window; `true` for the defaults. */
  abortOnFail?: boolean | AbortOnFail
}

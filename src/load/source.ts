import { logger } from '../config/logger.js'
import type { PreparedRequest } from './request.js'
import { prepareRequest } from './request.js'
import type { ResolvedScenario } from './validate.js'

/**
 * The request for each index: the list round-robin, or the function's answer prepared on the
 * spot. A function answer that cannot be sent (bad URL, another origin) yields null and is
 * counted as `invalid_request`; it is logged once.
 */
export class RequestSource {
  private readonly scenario: ResolvedScenario
  private warned = false

  constructor(scenario: ResolvedScenario) {
    this.scenario = scenario
  }

  get(index: number): PreparedRequest | null {
    const { requests, requestFn } = this.scenario
    if (requestFn === null) return requests[index % requests.length] as PreparedRequest
    if (index === 0) return requests[0] as PreparedRequest

    try {
      const request = prepareRequest(
        requestFn(index),
        this.scenario.defaults,
        this.scenario.base,
        `requests(${index})`,
      )
      if (request.origin !== this.scenario.origin) {
        throw new Error(`requests(${index}) goes to ${request.origin}, not ${this.scenario.origin}`)
      }
      return request
    } catch (error) {
      if (!this.warned) {
        this.warned = true
        logger().warn('a request from the requests function cannot be sent', {
          index,
          error: (error as Error).message,
        })
      }
      return null
    }
  }
}

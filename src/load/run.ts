import type { LoadResult } from '../types.js'
import { ClosedEngine } from './closed.js'
import { OpenEngine } from './open.js'
import type { Scenario } from './types.js'
import { validateScenario } from './validate.js'

/**
 * Runs a load scenario against an HTTP service and resolves with its result. The scenario is
 * validated first (a bad one throws `PerfConfigError` before anything is sent); after that the
 * run never throws because of the target: every failure is counted by kind. This is the pure
 * engine, with no Vitest and no host recording; the public `load()` wraps it.
 */
export async function runLoad(scenario: Scenario): Promise<LoadResult> {
  const resolved = validateScenario(scenario)
  const engine = resolved.model === 'open' ? new OpenEngine(resolved) : new ClosedEngine(resolved)
  return engine.run()
}

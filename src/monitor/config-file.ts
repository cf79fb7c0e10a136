import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PerfConfigError } from '../errors.js'
import type { MonitorOptions } from './types.js'

/**
 * Reads a monitor config file: JSON (`.json`), or a JavaScript or TypeScript module whose
 * default export (or `monitor` export) is the options object or a function returning it
 * (possibly async). Relative paths are resolved from the working directory.
 */
export async function loadMonitorConfig(
  path: string,
  cwd = process.cwd(),
): Promise<MonitorOptions> {
  const file = resolve(cwd, path)
  let value: unknown
  try {
    if (extname(file) === '.json') {
      value = JSON.parse(await readFile(file, 'utf8'))
    } else {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>
      value = module.default ?? module.monitor
      if (typeof value === 'function') value = await (value as () => unknown)()
    }
  } catch (error) {
    throw new PerfConfigError(
      '--config',
      `--config: cannot read ${file}: ${(error as Error).message}`,
    )
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PerfConfigError(
      '--config',
      `--config: ${file} must hold (or export as default) an object of monitor options`,
    )
  }
  return value as MonitorOptions
}

import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PerfConfigError } from '../errors.js'
import type { MonitorOptions } from './types.js'

/** tsx's `tsImport`: imports a TypeScript module without a loader registered for the process. */
export type TsImport = (specifier: string, parentUrl: string) => Promise<unknown>

/** Finds tsx's `tsImport`, or rejects when tsx cannot be found. */
export type TsxFinder = (cwd: string) => Promise<TsImport>

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts'])

/**
 * Reads a monitor config file: JSON (`.json`), or a JavaScript or TypeScript module whose
 * default export (or `monitor` export) is the options object or a function returning it
 * (possibly async). Relative paths are resolved from the working directory. Plain Node cannot
 * import TypeScript, so a `.ts` file is imported through tsx, found from the working directory
 * (the user's project) or next to this package; `findTsx` replaces that search in tests.
 */
export async function loadMonitorConfig(
  path: string,
  cwd = process.cwd(),
  findTsx: TsxFinder = findInstalledTsx,
): Promise<MonitorOptions> {
  const file = resolve(cwd, path)
  let value: unknown
  try {
    if (extname(file) === '.json') {
      value = JSON.parse(await readFile(file, 'utf8'))
    } else {
      const module = (await importModule(file, cwd, findTsx)) as Record<string, unknown>
      value = module.default ?? module.monitor
      if (typeof value === 'function') value = await (value as () => unknown)()
    }
  } catch (error) {
    if (error instanceof PerfConfigError) throw error
    throw new PerfConfigError(
      '--config',
      `--config: cannot read ${file}: ${(error as Error).message}${commonJsHint(file, error)}`,
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

async function importModule(file: string, cwd: string, findTsx: TsxFinder): Promise<unknown> {
  const url = pathToFileURL(file).href
  if (!TYPESCRIPT.has(extname(file))) return import(url)

  let tsImport: TsImport
  try {
    tsImport = await findTsx(cwd)
  } catch {
    throw new PerfConfigError(
      '--config',
      `--config: ${file} is TypeScript, which Node cannot import by itself, and tsx was not ` +
        'found: install it in your project (npm install -D tsx), or write the config as ' +
        '.js, .mjs or .json',
    )
  }
  const module = (await tsImport(url, pathToFileURL(join(cwd, 'index.js')).href)) as Record<
    string,
    unknown
  >
  // In a project without `"type": "module"`, tsx compiles a `.ts` file to CommonJS, and its
  // exports come back one level down, under `default`, marked `__esModule`.
  const inner = module.default as Record<string, unknown> | undefined
  return module.monitor === undefined && inner?.__esModule ? inner : module
}

/**
 * tsx's API from the user's project first (resolved from `cwd`, as its own `node_modules`
 * would), then from beside this package. tsx publishes `tsx/esm/api` for `import` and for
 * `require`; only the `import` build works outside tsx's own bundle, so its path is read from
 * tsx's exports map rather than taken from `require.resolve`.
 */
async function findInstalledTsx(cwd: string): Promise<TsImport> {
  try {
    const require = createRequire(join(cwd, 'index.js'))
    const manifest = require.resolve('tsx/package.json')
    const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports as Record<
      string,
      { import?: { default?: string } }
    >
    const entry = exports['./esm/api']?.import?.default
    if (entry) {
      const api = (await import(pathToFileURL(join(dirname(manifest), entry)).href)) as {
        tsImport: TsImport
      }
      return api.tsImport
    }
  } catch {
    // Not in the user's project: try beside this package.
  }
  const api = (await import('tsx/esm/api')) as { tsImport: TsImport }
  return api.tsImport
}

/**
 * In a project whose package.json does not say `"type": "module"`, Node reads a `.js` config
 * as CommonJS, which fails on its first `export` or `import`; and tsx compiles a `.ts` config
 * to CommonJS, whose `require` of an ESM-only package (vitest-perf itself) finds no entry.
 */
function commonJsHint(file: string, error: unknown): string {
  const extension = extname(file)
  if (extension === '.js' && error instanceof SyntaxError) {
    if (!/\b(export|import)\b/.test(error.message)) return ''
    return (
      '; this project loads .js files as CommonJS: name the config .mjs, or set ' +
      '"type": "module" in its package.json'
    )
  }
  const code = (error as { code?: unknown } | null)?.code
  if (
    (extension === '.ts' || extension === '.cts') &&
    (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || code === 'ERR_REQUIRE_ESM')
  ) {
    return (
      '; this project compiles .ts files to CommonJS, which cannot load an ESM-only package ' +
      'such as vitest-perf: name the config .mts, or set "type": "module" in its package.json'
    )
  }
  return ''
}

#!/usr/bin/env node
// The vitest-perf command: `vitest-perf monitor [options]`. The code lives in the compiled
// package (`npm run build` writes dist/); this file only hands over the arguments.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/src/monitor/cli.js', import.meta.url)
// A clone has no dist/ until it is built; say so in one line instead of a module-not-found
// stack trace.
if (!existsSync(cli)) {
  process.stderr.write(
    'vitest-perf: the package is not built (no dist/): run `npm run build`, ' +
      'or in this repository use `npm run monitor`\n',
  )
  process.exit(1)
}

const { run } = await import(cli.href)
await run(process.argv.slice(2))

#!/usr/bin/env node
// The vitest-perf command: `vitest-perf monitor [options]`. The code lives in the compiled
// package (`npm run build` writes dist/); this file only hands over the arguments.
import { main } from '../dist/src/monitor/cli.js'

const code = await main(process.argv.slice(2))
process.exitCode = code
// Keep-alive sockets of the libraries must not hold a stopped monitor open.
setTimeout(() => process.exit(code), 1000).unref()

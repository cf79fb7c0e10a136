// `npm run bench` runs every bench/*.bench.ts in turn; `npm run bench -- engine` runs the ones
// whose name contains "engine". Benchmarks print figures; they never pass or fail.
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(here)
  .filter(name => name.endsWith('.bench.ts'))
  .filter(name => wanted.length === 0 || wanted.some(word => name.includes(word)))
  .sort()

if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ') || '(none found)'} in bench/`)
  process.exit(1)
}

for (const name of files) {
  console.log(`\n== ${name} ==`)
  const module = (await import(pathToFileURL(join(here, name)).href)) as {
    run?: () => Promise<void>
  }
  if (typeof module.run !== 'function') {
    console.error(`${name} exports no run()`)
    continue
  }
  await module.run()
}

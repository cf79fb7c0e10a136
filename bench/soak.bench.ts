// Soak: the open model at a constant 2,000 req/s for 10 minutes against a Node hello-world
// server in its own process, printing this process's RSS every 30 s and its drift from the
// value after the first 30 s (which must stay within 30 MB: histograms and a fixed-size
// timeline, not sample arrays). RSS swings by tens of MB as V8 collects garbage, so the RSS
// right after a full collection is printed too: that is the memory the run retains.
// SOAK_DURATION shortens it ('2m'); SOAK_RATE changes the rate.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { parseDuration } from '../src/config/duration.js'
import { runLoad } from '../src/load/index.js'
import { startNodeHelloProcess } from '../test/support/processes.js'

const LIMIT_MB = 30

// A full collection on demand without restarting Node with --expose-gc.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

export async function run(): Promise<void> {
  const durationMs = parseDuration(process.env.SOAK_DURATION ?? '10m', 'SOAK_DURATION')
  const rate = Number(process.env.SOAK_RATE ?? 2000)
  const target = await startNodeHelloProcess()
  const rss: Array<{ t: number; mb: number; collected: number }> = []
  const mb = () => process.memoryUsage().rss / 1024 / 1024
  console.log(`open model, ${rate} req/s for ${durationMs / 1000} s against ${target.url}`)
  console.log(
    '   t (s)   RSS (MB)   drift (MB)   after GC (MB)   drift (MB)   req/s that second   p99 (ms)',
  )

  try {
    const result = await runLoad({
      url: target.url,
      rate,
      duration: durationMs,
      maxInFlight: 2000,
      onProgress: entry => {
        const t = entry.t + 1
        if (t % 30 !== 0) return
        const now = mb()
        collect()
        const collected = mb()
        rss.push({ t, mb: now, collected })
        const base = rss[0] ?? { mb: now, collected }
        console.log(
          [
            String(t).padStart(8),
            now.toFixed(1).padStart(10),
            (now - base.mb).toFixed(1).padStart(12),
            collected.toFixed(1).padStart(15),
            (collected - base.collected).toFixed(1).padStart(12),
            String(entry.rps).padStart(19),
            entry.p99.toFixed(2).padStart(10),
          ].join(''),
        )
      },
    })

    const base = rss[0]
    const growth = base ? Math.max(...rss.map(sample => sample.mb - base.mb)) : 0
    const swing = base ? Math.min(...rss.map(sample => sample.mb - base.mb)) : 0
    const retained = base
      ? Math.max(...rss.map(sample => Math.abs(sample.collected - base.collected)))
      : 0
    console.log(
      `\nsent ${result.requests.total} (dropped ${result.requests.dropped}, failed ${result.requests.failed}), ` +
        `${result.throughputRps.toFixed(0)} req/s, raw p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
        `corrected p99 ${result.correctedLatencyMs?.p99} ms`,
    )
    console.log(
      `RSS vs the 30 s value: at most +${growth.toFixed(1)} MB, at least ${swing.toFixed(1)} MB; ` +
        `after a full GC it moved at most ${retained.toFixed(1)} MB ` +
        `(limit ${LIMIT_MB} MB: ${Math.max(growth, retained) <= LIMIT_MB ? 'within' : 'OVER'})`,
    )
  } finally {
    await target.close()
  }
}

// Soak: the open model at a constant 2,000 req/s for 10 minutes against a Node hello-world
// server in its own process, printing this process's RSS every 30 s and its drift from the
// value after the first 30 s (which must stay within 30 MB: histograms and a fixed-size
// timeline, not sample arrays). SOAK_DURATION shortens it ('2m'); SOAK_RATE changes the rate.
import { parseDuration } from '../src/config/duration.js'
import { runLoad } from '../src/load/index.js'
import { startNodeHelloProcess } from '../test/support/processes.js'

const LIMIT_MB = 30

export async function run(): Promise<void> {
  const durationMs = parseDuration(process.env.SOAK_DURATION ?? '10m', 'SOAK_DURATION')
  const rate = Number(process.env.SOAK_RATE ?? 2000)
  const target = await startNodeHelloProcess()
  const rss: Array<{ t: number; mb: number }> = []
  const mb = () => process.memoryUsage().rss / 1024 / 1024
  console.log(`open model, ${rate} req/s for ${durationMs / 1000} s against ${target.url}`)
  console.log('   t (s)   RSS (MB)   drift from 30 s (MB)   req/s in that second   p99 (ms)')

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
        rss.push({ t, mb: now })
        const base = rss[0]?.mb ?? now
        console.log(
          `${String(t).padStart(8)} ${now.toFixed(1).padStart(10)} ${(now - base).toFixed(1).padStart(22)} ${String(entry.rps).padStart(22)} ${entry.p99.toFixed(2).padStart(10)}`,
        )
      },
    })

    const base = rss[0]?.mb
    const drift =
      base === undefined ? 0 : Math.max(...rss.map(sample => Math.abs(sample.mb - base)))
    console.log(
      `\nsent ${result.requests.total} (dropped ${result.requests.dropped}, failed ${result.requests.failed}), ` +
        `${result.throughputRps.toFixed(0)} req/s, raw p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
        `corrected p99 ${result.correctedLatencyMs?.p99} ms`,
    )
    console.log(
      `largest RSS drift from the 30 s value: ${drift.toFixed(1)} MB (limit ${LIMIT_MB} MB): ${drift <= LIMIT_MB ? 'within' : 'OVER'}`,
    )
  } finally {
    await target.close()
  }
}

// Loaded into the benchmarked monitor (with --expose-gc): on SIGUSR2 it runs a full garbage
// collection and prints the heap still in use. RSS alone moves with the collector's timing;
// the heap left after a full collection is what the monitor really holds.
process.on('SIGUSR2', () => {
  globalThis.gc()
  process.stdout.write(`heap-after-gc ${process.memoryUsage().heapUsed}\n`)
})

/**
 * What the perf project's global setup hands to the scenarios through Vitest's
 * `provide`/`inject`: the base URL every scenario targets, and the PID of the service when it
 * runs on this host (the bundled fixture service), for the host recorder's `pids`.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the service under test, e.g. `http://127.0.0.1:43123`. */
    baseUrl: string
    /** PID of the service when this run started it (the fixture); null for an external service. */
    servicePid: number | null
  }
}

export {}

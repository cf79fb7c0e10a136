import { config as loadDotenv } from 'dotenv'

let loaded = false

/**
 * Loads `.env` from the working directory once. Variables already set in the
 * environment win over the file, so CI settings are never overridden.
 */
export function loadEnv(): void {
  if (loaded) return
  loaded = true
  loadDotenv({ quiet: true })
}

/**
 * The base URL scenarios resolve relative paths against: `PERF_BASE_URL`, else the
 * service's own `SUTAZAI_BASE_URL`, else undefined.
 */
export function envBaseUrl(): string | undefined {
  loadEnv()
  const value = process.env.PERF_BASE_URL || process.env.SUTAZAI_BASE_URL
  return value?.trim() || undefined
}

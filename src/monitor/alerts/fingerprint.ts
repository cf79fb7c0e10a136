import { createHash } from 'node:crypto'
/** Labels of one alert instance: rule name as `alertname` plus the observation's labels. */
export type AlertLabels = Record<string, string>

/**
 * The stable identity of an alert: a hash of its labels sorted by name, so the same labels
 * give the same fingerprint in any order, in any process, after a restart. 16 hex
 * characters (64 bits) of SHA-256: collisions among a monitor's few hundred alerts are
 * negligible, and the key stays short enough for PagerDuty's `dedup_key` and for URLs.
 */
export function fingerprint(labels: AlertLabels): string {
  const canonical = Object.keys(labels)
    .sort()
    .map(name => [name, labels[name]])
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16)
}

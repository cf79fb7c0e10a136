/** What replaces a secret in any message, status or log line. */
export const REDACTED = '[redacted]'

/**
 * A function that removes every secret from a text: each secret as given, URL-encoded, and,
 * for URLs, their path and query alone (an error message may quote just the path). Secrets
 * shorter than 4 characters are ignored: replacing them would garble every message.
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (!secret) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    const url = parseUrl(secret)
    if (url) {
      forms.add(url.href)
      const rest = `${url.pathname}${url.search}`
      if (rest.length > 1) forms.add(rest)
      if (url.pathname.length > 1) forms.add(url.pathname)
      if (url.search.length > 1) forms.add(url.search)
      if (url.password) forms.add(url.password)
    }
  }
  // Longest first, so a URL is replaced whole before its path is looked for.
  const ordered = [...forms].filter(form => form.length >= 4).sort((a, b) => b.length - a.length)
  return text => {
    let result = text
    for (const form of ordered) result = result.split(form).join(REDACTED)
    return result
  }
}

/**
 * Where a notifier posts, safe to show: scheme, host and port only (`https://hooks.slack.com`),
 * never the path, query or credentials that carry the secret.
 */
export function describeTarget(url: string): string {
  const parsed = parseUrl(url)
  return parsed ? `${parsed.protocol}//${parsed.host}` : REDACTED
}

function parseUrl(text: string): URL | undefined {
  try {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? new URL(text) : undefined
  } catch {
    return undefined
  }
}

// Secrets must never reach a file the reporter writes: reports are CI artifacts that anyone with
// access to the build can open. Redaction runs once, over the whole report, before any renderer.

/** What replaces a secret value. */
export const REDACTED = '[redacted]'

// Header names and option keys whose value is a credential. Matched against the last segment of a
// key (`headers.Authorization` → `Authorization`), case-insensitively.
const SECRET_KEY =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token|x-csrf-token|x-xsrf-token|x-amz-security-token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key|client[-_]?secret|(?:access|refresh|id|auth|bearer|session)[-_]?token|token|auth|password|passwd|pwd|pass|secret|key|session|session[-_]?id|sid|signature|sig|credentials?)$/i

// Query parameter names (and `name=value` pairs in free text) whose value is a credential.
const SECRET_PARAM =
  '(?:api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key|client[-_]?secret|(?:access|refresh|id|auth|bearer|session)[-_]?token|token|auth|password|passwd|pwd|secret|key|session[-_]?id|sid|signature|sig|x-amz-signature|x-amz-security-token|x-api-key)'
// The name must start the text or follow a separator, so `monkey=1` is not taken for `key=1`.
const PARAM_PAIR = new RegExp(`((?:^|[?&;\\s,({[])${SECRET_PARAM}=)[^&#;\\s"'<>]*`, 'gi')

// `Authorization: Bearer abc` or `Cookie: a=b` written inside a string (an error message, a name).
const HEADER_LINE =
  /\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\n,;}]*)/gi
// A bare credential scheme followed by its token.
const SCHEME_TOKEN = /\b(Bearer|Basic|Digest|Token)\s+[A-Za-z0-9\-._~+/]+=*/g
// Userinfo password in a URL: `https://user:pass@host`.
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi

// Reports repeat the same few keys (a timeline has 8 per second): remember each verdict.
const keyVerdicts = new Map<string, boolean>()

/** True when a header name or option key names a credential. */
export function isSecretKey(key: string): boolean {
  const known = keyVerdicts.get(key)
  if (known !== undefined) return known
  const last =
    key
      .split(/[.[\]:/]/)
      .filter(Boolean)
      .pop() ?? key
  const secret = SECRET_KEY.test(last) || SECRET_KEY.test(key)
  if (keyVerdicts.size < 10_000) keyVerdicts.set(key, secret)
  return secret
}

/** Replaces credentials in free text: secret query parameters, header lines, bearer tokens, URL passwords. */
export function redactText(text: string): string {
  if (!/[?&;=:@]|bearer|basic|digest|token/i.test(text)) return text
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(PARAM_PAIR, `$1${REDACTED}`)
    .replace(HEADER_LINE, `$1$2${REDACTED}`)
    .replace(SCHEME_TOKEN, `$1 ${REDACTED}`)
}

/**
 * A deep copy of `value` with every credential replaced by `[redacted]`: values under a secret
 * key (at any depth) and secrets inside any string. Plain JSON in, plain JSON out.
 */
export function redact<T>(value: T): T {
  return walk(value, false) as T
}

function walk(value: unknown, secret: boolean): unknown {
  if (value === null || value === undefined) return value
  if (typeof value === 'string') return secret ? REDACTED : redactText(value)
  if (typeof value === 'number' || typeof value === 'boolean') return secret ? REDACTED : value
  if (Array.isArray(value)) return value.map(item => walk(item, secret))
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      out[key] = walk(item, secret || isSecretKey(key))
    }
    return out
  }
  return value
}

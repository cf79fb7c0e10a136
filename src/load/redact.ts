/** Query parameter names whose values are secrets. */
const SECRET = /(token|key|secret|password|passwd|pwd|auth|session|signature|sig|credential)/i

/**
 * A URL safe to put in a result or report: user name and password removed, and the values of
 * query parameters that look like secrets (token, key, password, ...) replaced by `***`.
 */
export function redactUrl(href: string): string {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return href
  }
  url.username = ''
  url.password = ''
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET.test(name)) url.searchParams.set(name, '***')
  }
  return url.href
}

/**
 * A path with its query as written (`/search?q=x&token=abc`), with the values of secret-looking
 * query parameters replaced by `***`: the default label of a scenario, which reaches test
 * annotations and the console, where nothing redacts it later.
 */
export function redactPath(path: string): string {
  const query = path.indexOf('?')
  if (query === -1) return path
  const params = new URLSearchParams(path.slice(query + 1))
  let changed = false
  for (const name of [...params.keys()]) {
    if (SECRET.test(name)) {
      params.set(name, '***')
      changed = true
    }
  }
  return changed ? `${path.slice(0, query)}?${params.toString()}` : path
}

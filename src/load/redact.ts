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

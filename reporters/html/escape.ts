const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text for an HTML element or a quoted attribute: every markup character escaped. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, char => HTML[char] ?? char)
}

/**
 * JSON that is safe inside a `<script>` element: `<`, `>` and `&` become `\u` escapes so no
 * `</script>` or `<!--` can end or change the element, and U+2028/U+2029 are escaped because
 * older JavaScript parsers treat them as line ends inside strings.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

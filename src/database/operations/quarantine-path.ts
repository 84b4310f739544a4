/**
 * How a quarantine row's `Path` is stored (docs/recovery.md, "The quarantine"). A JSON key may hold characters a text
 * column cannot: PostgreSQL `text` refuses NUL, and a lone UTF-16 surrogate has no UTF-8 form (the driver would turn
 * it into U+FFFD, and the path would no longer name its value). Rows written with a `Kind` store the path escaped:
 * `\` as `\\`, each such character as `\uXXXX`; rows from before (no `Kind`) hold it as it was, and could not hold
 * these characters at all on PostgreSQL.
 */

/** A character that must be escaped: the escape itself, NUL, or a surrogate without its other half. */
const ESCAPED = /\\|\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const escapeOne = (char: string) =>
  char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`

/** Whether `path` holds a character a text column cannot (so that storing it needs the escape). */
export function hasUnstorableCharacters(path: string): boolean {
  return UNSTORABLE.test(path)
}

/** The path as a row with a `Kind` stores it. */
export function escapeQuarantinePath(path: string): string {
  return path.includes('\\') || UNSTORABLE.test(path) ? path.replace(ESCAPED, escapeOne) : path
}

/** The path a stored one names: escaped when the row has a `Kind`, as it is otherwise. */
export function unescapeQuarantinePath(stored: string, escaped: boolean): string {
  if (!escaped || !stored.includes('\\')) return stored
  return stored.replace(/\\(\\|u[0-9A-Fa-f]{4})/g, (_, escape: string) =>
    escape === '\\' ? '\\' : String.fromCharCode(Number.parseInt(escape.slice(1), 16)),
  )
}

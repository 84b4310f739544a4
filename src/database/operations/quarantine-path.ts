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
/** What UNSTORABLE needs: a plain class, many times quicker to rule out on the paths that have none (almost all). */
const MAY_BE_UNSTORABLE = /[\0\uD800-\uDFFF]/
/** What the escape may change. */
const MAY_BE_ESCAPED = /[\\\0\uD800-\uDFFF]/

const escapeOne = (char: string) =>
  char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`

/** Whether `path` holds a character a text column cannot (so that storing it needs the escape). */
export function hasUnstorableCharacters(path: string): boolean {
  return MAY_BE_UNSTORABLE.test(path) && UNSTORABLE.test(path)
}

/** The path as a row with a `Kind` stores it. */
export function escapeQuarantinePath(path: string): string {
  return path.includes('\\') || hasUnstorableCharacters(path) ? path.replace(ESCAPED, escapeOne) : path
}

/** escapeQuarantinePath of each path: the same array when none needs it, found in one look at all of them. */
export function escapeQuarantinePaths(paths: string[]): string[] {
  return MAY_BE_ESCAPED.test(paths.join('')) ? paths.map(escapeQuarantinePath) : paths
}

/** The path a stored one names: escaped when the row has a `Kind`, as it is otherwise. */
export function unescapeQuarantinePath(stored: string, escaped: boolean): string {
  if (!escaped || !stored.includes('\\')) return stored
  return stored.replace(/\\(\\|u[0-9A-Fa-f]{4})/g, (_, escape: string) =>
    escape === '\\' ? '\\' : String.fromCharCode(Number.parseInt(escape.slice(1), 16)),
  )
}

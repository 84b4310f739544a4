/** What must be escaped inside a quoted element of a PostgreSQL array literal. */
const SPECIALS = /["\\]/g
const needsEscape = (value: string) => value.includes('"') || value.includes('\\')
const quoted = (value: string) => (needsEscape(value) ? value.replace(SPECIALS, '\\$&') : value)

/**
 * `values` as one PostgreSQL `text[]` literal, `{"a","b"}`: every element quoted, `"` and `\` escaped, which is all
 * a quoted element needs. node-postgres turns a JavaScript array into the same text with two regular-expression
 * replacements per element; the quarantine's Ids, paths and ciphertexts almost never hold either character, so this
 * looks for them first and escapes only the elements that hold one. Built by `join`, the literal is one flat string
 * (a string grown by `+=` is a rope that the driver flattens again when it measures it).
 */
export function textArrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}'
  return ['{"', values.map(quoted).join('","'), '"}'].join('')
}

/** As textArrayLiteral, where a null element is SQL NULL (an unquoted `NULL`; a quoted "NULL" is the text). */
export function nullableTextArrayLiteral(values: ReadonlyArray<string | null>): string {
  if (!values.includes(null)) return textArrayLiteral(values as readonly string[])
  return ['{', values.map((value) => (value === null ? 'NULL' : `"${quoted(value)}"`)).join(','), '}'].join('')
}

/** What must be escaped inside a quoted element of a PostgreSQL array literal. */
const SPECIAL = /["\\]/
const SPECIALS = /["\\]/g

/**
 * `values` as one PostgreSQL `text[]` literal, `{"a","b"}`: every element quoted, `"` and `\` escaped, which is all
 * a quoted element needs. node-postgres turns a JavaScript array into the same text with two regular-expression
 * replacements per element; the quarantine's Ids, paths and ciphertexts almost never hold either character, so this
 * tests once and copies (the quarantine INSERT of a reset writes one array of each per batch).
 */
export function textArrayLiteral(values: readonly string[]): string {
  let literal = '{'
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (i > 0) literal += ','
    literal += SPECIAL.test(value) ? `"${value.replace(SPECIALS, '\\$&')}"` : `"${value}"`
  }
  return literal + '}'
}

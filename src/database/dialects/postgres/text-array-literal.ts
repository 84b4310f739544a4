/** What must be escaped inside a quoted element of a PostgreSQL array literal. */
const SPECIAL = /["\\]/
const SPECIALS = /["\\]/g

/**
 * `values` as one PostgreSQL `text[]` literal, `{"a","b"}`: every element quoted, `"` and `\` escaped, which is all
 * a quoted element needs. node-postgres turns a JavaScript array into the same text with two regular-expression
 * replacements per element; the quarantine's Ids, paths and ciphertexts almost never hold either character, so this
 * joins them once and escapes only when the joined text holds one. Built by `join`, the literal is one flat string
 * (a string grown by `+=` is a rope that the driver flattens again when it measures it).
 */
export function textArrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}'
  const joined = values.join('","')
  const elements = SPECIAL.test(joined) ? values.map((value) => value.replace(SPECIALS, '\\$&')).join('","') : joined
  return ['{"', elements, '"}'].join('')
}

/** What must be escaped inside a quoted element of a PostgreSQL array literal. */
const SPECIALS = /["\\]/g
const needsEscape = (value: string) => value.includes('"') || value.includes('\\')

/**
 * `values` as one PostgreSQL `text[]` literal, `{"a","b"}`: every element quoted, `"` and `\` escaped, which is all
 * a quoted element needs. node-postgres turns a JavaScript array into the same text with two regular-expression
 * replacements per element; the quarantine's Ids, paths and ciphertexts almost never hold either character, so this
 * looks for them first and escapes only the elements that hold one. Built by `join`, the literal is one flat string
 * (a string grown by `+=` is a rope that the driver flattens again when it measures it).
 */
export function textArrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}'
  const elements = values.map((value) => (needsEscape(value) ? value.replace(SPECIALS, '\\$&') : value))
  return ['{"', elements.join('","'), '"}'].join('')
}

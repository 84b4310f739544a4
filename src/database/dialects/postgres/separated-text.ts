/**
 * A column of text values as one parameter that PostgreSQL splits, `string_to_array($n, chr(1))` (and, for a nullable
 * column, `string_to_array($n, chr(1), '')`: an empty element is SQL NULL). Unlike an array literal
 * (text-array-literal.ts) nothing is escaped on either side, so building it is two joins. A column it cannot carry
 * (a value that holds the separator, a lone empty value, or an empty one where empty means NULL) gives undefined.
 */
export const SEPARATOR = '\u0001'

/** `values` joined by SEPARATOR, or undefined when `string_to_array` would not give them back. */
export function separatedText(values: readonly string[]): string | undefined {
  return joined(values)
}

/** As separatedText, null as an empty element; undefined also when a value is the empty text. */
export function separatedNullableText(values: ReadonlyArray<string | null>): string | undefined {
  return values.includes('') ? undefined : joined(values)
}

function joined(values: ReadonlyArray<string | null>): string | undefined {
  // `string_to_array('', …)` is an empty array, not one empty (or NULL) element.
  if (values.length === 1 && (values[0] === '' || values[0] === null)) return undefined
  for (const value of values) if (value?.includes(SEPARATOR)) return undefined
  return values.join(SEPARATOR)
}

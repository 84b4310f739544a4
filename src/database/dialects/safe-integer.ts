/**
 * 64-bit integers (counts, bigint columns) come back from both drivers as decimal text. Both dialects turn
 * them into JS numbers so callers compare like with like; a value a number cannot hold exactly is an error
 * rather than a silently rounded count.
 */
export function toSafeInteger(text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value))
    throw new RangeError(`The database returned the integer ${text}, too large to read exactly`)
  return value
}

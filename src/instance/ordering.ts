/**
 * Case-insensitive, then ordinal: the order names and keys are listed and kept in, so that
 * "octopus.home" and "Octopus.Home" sit together and the result never depends on the machine's locale.
 */
export function compareCaseInsensitive(a: string, b: string): number {
  const lowerA = a.toLowerCase()
  const lowerB = b.toLowerCase()
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

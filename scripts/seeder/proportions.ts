/**
 * Spreads `total` documents over tables by weight (largest remainder, so the counts add up exactly), after
 * giving each table `minimum` so every table has a few documents however small the total.
 */
export function distribute(
  total: number,
  tables: ReadonlyArray<{readonly table: string; readonly weight: number}>,
  minimum = 3,
): Record<string, number> {
  const rest = Math.max(0, total - minimum * tables.length)
  const weightSum = tables.reduce((sum, t) => sum + t.weight, 0)
  const exact = tables.map((t) => (rest * t.weight) / weightSum)
  const counts = exact.map(Math.floor)
  let left = rest - counts.reduce((a, b) => a + b, 0)
  const byRemainder = exact
    .map((value, i) => ({i, remainder: value - Math.floor(value)}))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i)
  for (const {i} of byRemainder) {
    if (left === 0) break
    counts[i]++
    left--
  }

  return Object.fromEntries(tables.map((t, i) => [t.table, minimum + counts[i]]))
}

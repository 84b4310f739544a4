/** The median of `values` (the mean of the middle two when their number is even). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5)
}

/** Rounded to `digits` decimals, as a number (for the JSON line). */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** `round(value)`, or null for a JSON line when it was not measured. */
export function nullable(value: number | undefined): number | null {
  return value === undefined ? null : round(value)
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of nothing')
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

/** The `fraction` quantile of `values` (0.25: the lower quartile), interpolated between the two nearest. */
export function quantile(values: readonly number[], fraction: number): number {
  if (values.length === 0) throw new RangeError('quantile of nothing')
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * fraction
  const below = Math.floor(at)
  const above = Math.min(below + 1, sorted.length - 1)
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below)
}

/**
 * A 95% interval for statistic(a) / statistic(b) (the mean unless told), where a[i] and b[i] were measured in the
 * same round: whole rounds are drawn again with replacement (`random` in [0, 1), seeded by the caller), so drift that
 * hits both series of a round stays paired.
 */
export function pairedRatioInterval(
  a: readonly number[],
  b: readonly number[],
  random: () => number,
  options: {draws?: number; statistic?: (values: readonly number[]) => number} = {},
): [number, number] {
  if (a.length !== b.length || a.length === 0) throw new RangeError('two series of one length are needed')
  const {draws = 4000, statistic = mean} = options
  const ratios: number[] = []
  for (let draw = 0; draw < draws; draw++) {
    const drawnA: number[] = []
    const drawnB: number[] = []
    for (let i = 0; i < a.length; i++) {
      const round = Math.floor(random() * a.length)
      drawnA.push(a[round])
      drawnB.push(b[round])
    }
    ratios.push(statistic(drawnA) / statistic(drawnB))
  }
  return [quantile(ratios, 0.025), quantile(ratios, 0.975)]
}

/**
 * A 95% interval for statistic(values) (the median unless told), the values drawn again with replacement (`random`
 * in [0, 1), seeded by the caller). For per-round ratios or differences of interleaved runs: each round's drift
 * cancels inside its own value, which a ratio of two series' medians (taken from different rounds) does not do.
 */
export function bootstrapInterval(
  values: readonly number[],
  random: () => number,
  options: {draws?: number; statistic?: (values: readonly number[]) => number} = {},
): [number, number] {
  if (values.length === 0) throw new RangeError('an interval of nothing')
  const {draws = 4000, statistic = median} = options
  const statistics: number[] = []
  for (let draw = 0; draw < draws; draw++) {
    const drawn: number[] = []
    for (let i = 0; i < values.length; i++) drawn.push(values[Math.floor(random() * values.length)])
    statistics.push(statistic(drawn))
  }
  return [quantile(statistics, 0.025), quantile(statistics, 0.975)]
}

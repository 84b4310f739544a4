/** What a measuring child prints as its last line: its own wall time and peak memory. */
export interface Measurement {
  readonly seconds: number
  readonly peakRssMb: number
  /** CPU seconds (user + system) of the child itself over the same span as `seconds`. */
  readonly cpuSeconds: number
  /** Documents of the catalog's tables the child read. */
  readonly documents: number
  /** Anything else worth printing (e.g. values reset). */
  readonly detail: Record<string, number>
}

/** Peak resident set size of this process so far, in MB (`maxRSS` is in kilobytes). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024
}

/** CPU seconds (user + system) this process has used since `start` (a `process.cpuUsage()`). */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const {user, system} = process.cpuUsage(start)
  return (user + system) / 1e6
}

/** Prints the measurement as the child's last stdout line, for `runMeasuringChild`. */
export function report(measurement: Measurement): void {
  process.stdout.write(JSON.stringify(measurement) + '\n')
}

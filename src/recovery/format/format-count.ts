/**
 * The one way a number is written for the operator, in every report, next step and progress line: digits grouped
 * in thousands with commas ("260,289"), whatever the machine's locale, so a figure reads the same in the report,
 * in the next steps beside it and in a CI log. `--json` keeps plain numbers.
 */
const COUNT = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0})
const TENTHS = new Intl.NumberFormat('en-US', {maximumFractionDigits: 1})

/** A whole count: "260,289". */
export function formatCount(value: number): string {
  return COUNT.format(value)
}

/** A measure to a tenth, grouped alike: "1,234.5" (seconds elapsed). */
export function formatTenths(value: number): string {
  return TENTHS.format(value)
}

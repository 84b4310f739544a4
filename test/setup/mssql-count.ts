import {MSSQL_ENGINE_VARIABLE, MSSQL_MISSING_VARIABLE} from '../support/engines.js'

/**
 * The run's SQL Server tally: tests that passed inside a suite titled "... on mssql" (every such suite works on a
 * database of the SQL Server under test, so each of its tests ran statements over TDS). Printed once at the end,
 * so a run that silently lost its SQL Server suites shows it.
 */
let passing = 0

export function countMssqlTest(this: Mocha.Context): void {
  const test = this.currentTest
  if (test?.state === 'passed' && /\bon mssql\b/.test(test.fullTitle())) passing++
}

export function reportMssqlCount(): void {
  const engine = process.env[MSSQL_ENGINE_VARIABLE]
  console.log(
    engine
      ? `\n  mssql: ${passing} passing on ${engine}`
      : `\n  mssql: not run (${process.env[MSSQL_MISSING_VARIABLE] ?? 'no SQL Server'})`,
  )
}

import {appendFileSync, readFileSync} from 'node:fs'

import {MSSQL_ENGINE_VARIABLE, MSSQL_MISSING_VARIABLE} from '../support/engines.js'

/**
 * The run's SQL Server tally: tests that passed inside a suite titled "... on mssql" (every such suite works on a
 * database of the SQL Server under test, so each of its tests ran statements over TDS). Printed once at the end,
 * so a run that silently lost its SQL Server suites shows it. The tests may run in more than one mocha process
 * (test/setup/two-lanes.ts), so every pass is a line appended to one file the global setup names, and the global
 * teardown counts.
 */
export const MSSQL_TALLY_VARIABLE = 'MSSQL_TALLY_FILE'

/** What marks a SQL Server suite in a test's full title (test/support/engines.ts `testEngines`), as a RegExp source. */
export const SQL_SERVER_SUITES = String.raw`\bon mssql\b`
const SQL_SERVER_SUITE = new RegExp(SQL_SERVER_SUITES)

export function countMssqlTest(this: Mocha.Context): void {
  const test = this.currentTest
  const tally = process.env[MSSQL_TALLY_VARIABLE]
  if (tally && test?.state === 'passed' && SQL_SERVER_SUITE.test(test.fullTitle())) appendFileSync(tally, '.\n')
}

export function reportMssqlCount(tally: string): void {
  const engine = process.env[MSSQL_ENGINE_VARIABLE]
  let passing = 0
  try {
    passing = readFileSync(tally, 'utf8').length / 2
  } catch {
    // No file: no SQL Server test passed.
  }
  console.log(
    engine
      ? `\n  mssql: ${passing} passing on ${engine}`
      : `\n  mssql: not run (${process.env[MSSQL_MISSING_VARIABLE] ?? 'no SQL Server'})`,
  )
}

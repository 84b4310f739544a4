import {OPERATIONS} from './operations.js'
import {runTsqlCheck} from './run-tsql-check.js'

/**
 * `npm run test:tsql`: runs every operation of the database API against the SQL Server dialect with a
 * capturing driver and checks each statement it would send: parameters ≤ 2,100, no LIMIT/RETURNING/misused
 * OFFSET-FETCH, no mangled multi-part names, and a clean parse by a real T-SQL grammar. No server is involved.
 * Ends with `tsql statements=N invalid=M`; exits 1 when M > 0 or there are fewer statements than operations.
 */
const result = await runTsqlCheck(OPERATIONS, (line) => console.log(line))
if (!result.passed) process.exitCode = 1

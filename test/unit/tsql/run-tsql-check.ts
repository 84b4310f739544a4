import {capturingContext} from './capturing-driver.js'
import type {Operation} from './operations.js'
import {tsqlProblems} from './tsql-checker.js'

export interface TsqlCheckResult {
  statements: number
  /** Invalid statements, plus operations that threw or sent nothing. */
  invalid: number
  passed: boolean
}

/**
 * Runs each operation on its own capturing SQL Server context and checks every statement it sends. An
 * operation that throws or sends nothing counts as invalid: a check that saw nothing must not pass.
 */
export async function runTsqlCheck(
  operations: readonly Operation[],
  log: (line: string) => void,
): Promise<TsqlCheckResult> {
  let statements = 0
  let invalid = 0
  for (const operation of operations) {
    const {ctx, capture} = capturingContext()
    try {
      await operation.run(ctx, capture)
    } catch (error) {
      invalid++
      log(`FAIL ${operation.name}: the operation threw: ${(error as Error).message}`)
      continue
    }

    if (capture.statements.length === 0) {
      invalid++
      log(`FAIL ${operation.name}: sent no statement`)
    }

    for (const statement of capture.statements) {
      statements++
      const problems = tsqlProblems(statement)
      if (problems.length === 0) continue
      invalid++
      log(
        `INVALID ${operation.name} (${statement.parameters.length} parameters):\n  ${statement.sql}\n  - ` +
          `${problems.join('\n  - ')}`,
      )
    }

    log(`ok   ${operation.name}: ${capture.statements.length} statement(s)`)
  }

  log(`tsql statements=${statements} invalid=${invalid}`)
  return {statements, invalid, passed: invalid === 0 && statements >= operations.length}
}

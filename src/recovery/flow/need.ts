import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/**
 * What an earlier step must have set: a step that finds it missing was put in the wrong order, which is a
 * defect of this tool (exit 1), never the operator's doing.
 */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new RecoveryError(
      `Internal error: ${what} is needed before the step that sets it has run.`,
      ExitCode.Internal,
    )
  }
  return value
}

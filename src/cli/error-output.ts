import {Errors} from '@oclif/core'
import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'

/**
 * Any failure as oclif shows it, for the prerun hook and the command alike: ours keep their exit code and
 * suggestions; oclif's own (flag parsing) exit 2; anything else is internal (exit 1).
 */
export function toCliError(error: unknown): Errors.CLIError {
  if (error instanceof RecoveryError) {
    const {message, exitCode: exit, suggestions} = error
    return new Errors.CLIError(message, {exit, suggestions, code: exitCodeName(exit)})
  }
  if (error instanceof Errors.CLIError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new Errors.CLIError(message, {exit: ExitCode.Internal, code: exitCodeName(ExitCode.Internal)})
}

export interface ErrorJson {
  readonly error: {
    readonly code: string
    readonly exit: number
    readonly message: string
    readonly suggestions: string[]
  }
}

/**
 * The `--json` form of a failure. Only these fields: oclif's parse errors also carry the whole parser input
 * (every flag definition and the CLI's config), which is no one's business.
 */
export function errorJson(error: Errors.CLIError): ErrorJson {
  const exit = error.oclif.exit ?? ExitCode.Internal
  const code = error.code ?? exitCodeName(exit)
  return {error: {code, exit, message: error.message, suggestions: error.suggestions ?? []}}
}

function exitCodeName(exit: number): string {
  return `EXIT_${exit}`
}

import type {ExitCodeValue} from './exit-codes.js'

/**
 * A failure the operator can act on: a message that says what is wrong, the exit code from the README's
 * table, and what to do next. Messages never carry secrets (keys, passwords, plaintexts, ciphertexts).
 */
export class RecoveryError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly suggestions: string[] = [],
    options?: {cause?: unknown},
  ) {
    super(message, options)
    this.name = 'RecoveryError'
  }
}

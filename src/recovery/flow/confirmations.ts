import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'

/** The two confirmations Octopus asks for; a dry run changes nothing and needs neither. */
export const CONFIRMATION_FLAGS = ['iReallyWantToResetAllMySensitiveData', 'iHaveBackedUpMyDatabase'] as const

export type ConfirmationFlags = Partial<Record<(typeof CONFIRMATION_FLAGS)[number] | 'dryRun', boolean | undefined>>

/** The confirmation flags missing from `flags`, as the operator types them. */
export function missingConfirmations(flags: ConfirmationFlags): string[] {
  if (flags.dryRun) return []
  return CONFIRMATION_FLAGS.filter((name) => !flags[name]).map((name) => `--${name}`)
}

export function missingConfirmationError(missing: string[]): RecoveryError {
  const required = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required`
  return new RecoveryError(`Not confirmed: ${required}. Nothing was changed.`, ExitCode.NotConfirmed, [
    'Back up the database, then run again with --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase.',
    'To only see what would be reset, run with --dry-run.',
  ])
}

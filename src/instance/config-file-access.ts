import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {describeError, errorCode} from '../files/file-ops.js'

const CHECK_PATH = "Check the path, or pass --config with the path of the instance's config file."

/**
 * The operator-facing error for a config file that cannot be opened, from what the system said.
 * `context` follows the path in the message, e.g. which registry file named it.
 */
export function configFileAccessError(path: string, error: unknown, context = ''): RecoveryError {
  const code = errorCode(error)
  if (code === 'EACCES' || code === 'EPERM') {
    return configFileError(path, context, 'cannot be read: permission denied', error, [
      'Run the command as a user that can read and write the config file (for example with sudo).',
    ])
  }

  const problem =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'does not exist'
      : code === 'EISDIR'
        ? 'is a folder, not a file'
        : `cannot be read: ${describeError(error)}`
  return configFileError(path, context, problem, error)
}

/** `The config file <path><context> <problem>.`, exit 7. */
export function configFileError(
  path: string,
  context: string,
  problem: string,
  cause?: unknown,
  suggestions: string[] = [CHECK_PATH],
): RecoveryError {
  return new RecoveryError(`The config file ${path}${context} ${problem}.`, ExitCode.NotFound, suggestions, {cause})
}

import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'

const CONNECTION_STRING_SETTING = 'Octopus.Storage.ExternalDatabaseConnectionString'

/** The connection string cannot be used. `reason` must never quote the string (it may hold the password). */
export function invalidConnectionString(reason: string): RecoveryError {
  return new RecoveryError(`The database connection string is not valid: ${reason}.`, ExitCode.NotFound, [
    `Check ${CONNECTION_STRING_SETTING} in the server's config file.`,
  ])
}

/** The database a failure concerns, for the message, and the secrets its message must never carry. */
export interface DatabaseTarget {
  /** "database X on host Y" */
  description: string
  secrets: readonly string[]
}

type Failure =
  'unreachable' | 'session-ended' | 'untrusted-certificate' | 'login' | 'no-database' | 'permission' | 'other'

/**
 * Turns a driver's failure (pg or mssql/tedious) into what the operator can act on, with exit 7. The driver's
 * own words follow as detail, with every secret of the connection string blanked out.
 */
export function databaseError(error: unknown, target: DatabaseTarget): RecoveryError {
  const detail = scrub(messageOf(error), target.secrets)
  const {description} = target
  const failure = classify(error)
  switch (failure) {
    case 'unreachable': {
      return new RecoveryError(
        `Cannot reach the server of ${description}: ${detail}`,
        ExitCode.NotFound,
        [
          'Check the host name and port in the connection string, that the database server is running, and that no ' +
            'firewall blocks it.',
        ],
        {cause: error},
      )
    }

    case 'session-ended': {
      const message = `The server of ${description} ended this command's session: ${detail}`
      return new RecoveryError(
        message,
        ExitCode.NotFound,
        [
          'The database server was shut down or restarted, or an administrator ended the session.',
          'Run the command again once the database is available.',
        ],
        {cause: error},
      )
    }

    case 'untrusted-certificate': {
      return new RecoveryError(
        `Cannot connect securely to ${description}: ${detail}`,
        ExitCode.NotFound,
        [
          'Give the server a certificate this machine trusts; or, if you trust the network, add ' +
            'TrustServerCertificate=True (SQL Server) or sslmode=no-verify (PostgreSQL) to the connection string.',
        ],
        {cause: error},
      )
    }

    case 'login': {
      return new RecoveryError(
        `Login failed for ${description}: ${detail}`,
        ExitCode.NotFound,
        ['Check the user name and password in the connection string.'],
        {cause: error},
      )
    }

    case 'no-database': {
      return new RecoveryError(
        `The ${description} does not exist, or this login may not open it: ${detail}`,
        ExitCode.NotFound,
        ['Check the database name in the connection string.'],
        {cause: error},
      )
    }

    case 'permission': {
      return new RecoveryError(
        `Permission denied on ${description}: ${detail}`,
        ExitCode.NotFound,
        ['Run with a login that owns the database (db_owner on SQL Server, the owner on PostgreSQL).'],
        {cause: error},
      )
    }

    case 'other': {
      return new RecoveryError(`Cannot open ${description}: ${detail}`, ExitCode.NotFound, [], {cause: error})
    }
  }
}

/**
 * The operator's version of a driver failure met after the database was opened (a table the login may not
 * read, a dropped connection), or undefined when the failure is not one of those: then it is a bug, not input.
 */
export function knownDatabaseError(error: unknown, target: DatabaseTarget): RecoveryError | undefined {
  // The plugin's own errors already speak to the operator, whatever words they hold.
  if (error instanceof RecoveryError) return undefined
  return classify(error) === 'other' ? undefined : databaseError(error, target)
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  // tedious (via mssql)
  'ESOCKET',
  'ETIMEOUT',
  'EINSTLOOKUP',
])

/**
 * PostgreSQL: admin_shutdown (pg_terminate_backend too), crash_shutdown, connection_does_not_exist, connection_failure.
 */
const SESSION_ENDED_CODES = new Set(['57P01', '57P02', '08003', '08006'])

/** SQL Server error numbers for a statement or database the login may not use. */
const MSSQL_PERMISSION_NUMBERS = new Set([229, 230, 262, 297, 300, 916])

function classify(error: unknown): Failure {
  const {code, number, message} = fieldsOf(error)
  // TLS failures carry a code (Node's, or tedious's ESOCKET); the plugin's own errors about the server's certificate
  // do not, and must not read as a connection problem.
  if (code !== undefined && /certificate|self[- ]signed/i.test(message)) return 'untrusted-certificate'
  // PostgreSQL SQLSTATE codes
  if (code === '28P01' || code === '28000') return 'login'
  if (code === '3D000') return 'no-database'
  if (code === '42501') return 'permission'
  if (code !== undefined && SESSION_ENDED_CODES.has(code)) return 'session-ended'
  // tedious, asked for a statement on a connection that has closed under it (the server ended the session).
  if (code === 'EINVALIDSTATE' && /\bFinal state\b/.test(message)) return 'session-ended'
  // tedious reports every refused login as ELOGIN; SQL Server's text tells a missing database apart.
  if (code === 'ELOGIN') return /cannot open database/i.test(message) ? 'no-database' : 'login'
  if (number !== undefined && MSSQL_PERMISSION_NUMBERS.has(number)) return 'permission'
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return 'unreachable'
  if (/timeout|connection terminated unexpectedly/i.test(message)) return 'unreachable'
  const inner = innerErrors(error)
  if (inner.length > 0) return classify(inner[0])
  return 'other'
}

function fieldsOf(error: unknown): {code?: string; number?: number; message: string} {
  const object = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  const original = (
    typeof object.originalError === 'object' && object.originalError !== null ? object.originalError : {}
  ) as Record<string, unknown>
  const code = [object.code, original.code].find((value): value is string => typeof value === 'string')
  const number = [object.number, original.number].find((value): value is number => typeof value === 'number')
  return {code, number, message: messageOf(error)}
}

/** Node reports a refused connection to every address of a host as an AggregateError. */
function innerErrors(error: unknown): unknown[] {
  const errors = (error as {errors?: unknown} | undefined)?.errors
  return Array.isArray(errors) ? errors : []
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (message) return message
  const inner = innerErrors(error)
  return inner.length > 0 ? messageOf(inner[0]) : 'no details given'
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets
    .filter((secret) => secret.length > 0)
    .reduce((result, secret) => result.replaceAll(secret, '***'), text)
}

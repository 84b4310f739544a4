import {expect} from 'chai'
import sql from 'mssql'
import {ConnectionError as TediousConnectionError, RequestError as TediousRequestError} from 'tedious'

import {databaseError, knownDatabaseError} from '../../../src/database/database-errors.js'
import {ExitCode} from '../../../src/exit-codes.js'
import {RecoveryError} from '../../../src/recovery-error.js'

/**
 * The SQL Server side of the mapping, with errors built by the drivers' own classes the way mssql wraps
 * tedious's (no SQL Server runs here). The PostgreSQL side is proven against a real server in
 * open-database.test.ts.
 */
const target = {description: 'database Octopus on host sql01', secrets: ['Pa55-word']}

function mapped(error: unknown) {
  const result = databaseError(error, target)
  expect(result.exitCode).to.equal(ExitCode.NotFound)
  expect([result.message, ...result.suggestions].join(' ')).not.to.contain('Pa55-word')
  return result
}

function connectionError(message: string, code: string) {
  return new sql.ConnectionError(new TediousConnectionError(message, code))
}

describe('databaseError (SQL Server errors)', () => {
  it('says login failed for a refused login', () => {
    expect(mapped(connectionError("Login failed for user 'octo'.", 'ELOGIN')).message).to.equal(
      "Login failed for database Octopus on host sql01: Login failed for user 'octo'.",
    )
  })

  it('says the database does not exist when SQL Server cannot open it', () => {
    const error = connectionError('Cannot open database "Octopus" requested by the login. The login failed.', 'ELOGIN')
    expect(mapped(error).message).to.match(
      /^The database Octopus on host sql01 does not exist, or this login may not open it: /,
    )
  })

  it('says it cannot reach the server on socket errors, timeouts and unknown instances', () => {
    for (const [message, code] of [
      ['Failed to connect to sql01:1433 - getaddrinfo ENOTFOUND sql01', 'ESOCKET'],
      ['Failed to connect to sql01:1433 in 15000ms', 'ETIMEOUT'],
      ['Port for SQLEXPRESS not found in sql01', 'EINSTLOOKUP'],
    ]) {
      expect(mapped(connectionError(message, code)).message).to.match(
        /^Cannot reach the server of database Octopus on host sql01: /,
      )
    }
  })

  it('says the certificate is not trusted, and how to proceed', () => {
    const result = mapped(
      connectionError('Failed to connect to sql01:1433 - self-signed certificate in certificate chain', 'ESOCKET'),
    )
    expect(result.message).to.match(/^Cannot connect securely to database Octopus on host sql01/)
    expect(result.suggestions.join(' ')).to.contain('TrustServerCertificate=True')
  })

  it('says permission denied for SQL Server permission errors', () => {
    const denied = Object.assign(new Error("The SELECT permission was denied on the object 'backupset'."), {
      info: {number: 229},
    })
    expect(mapped(new sql.RequestError(denied)).message).to.match(
      /^Permission denied on database Octopus on host sql01: /,
    )
  })

  it('says the server ended the session when a statement meets a connection that has closed under it', () => {
    const closed = (state: string) =>
      new sql.RequestError(
        new TediousRequestError(
          `Requests can only be made in the LoggedIn state, not the ${state} state`,
          'EINVALIDSTATE',
        ),
      )
    const result = mapped(closed('Final'))
    expect(result.message).to.match(/^The server of database Octopus on host sql01 ended this command's session: /)
    expect(result.suggestions.join(' ')).to.contain('an administrator ended the session')
    // Another state is a statement sent out of turn, not a lost session.
    expect(mapped(closed('SentClientRequest')).message).to.match(/^Cannot open database Octopus on host sql01: /)
  })

  it('leaves the plugin’s own errors about a certificate alone: only a TLS failure has a code', () => {
    expect(knownDatabaseError(new Error('The new server certificate does not parse.'), target)).to.equal(undefined)
  })

  it('never re-words the plugin’s own errors, whatever they say', () => {
    const own = new RecoveryError('The lock wait ended in a timeout.', ExitCode.NotFound, ['Try again.'])
    expect(knownDatabaseError(own, target)).to.equal(undefined)
  })

  it('blanks out a secret a driver message repeats', () => {
    const result = mapped(new Error('odd failure near Pa55-word'))
    expect(result.message).to.equal('Cannot open database Octopus on host sql01: odd failure near ***')
  })

  it('looks inside an AggregateError (every address of a host refused)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:1433'), {code: 'ECONNREFUSED'})
    expect(mapped(new AggregateError([refused])).message).to.equal(
      'Cannot reach the server of database Octopus on host sql01: connect ECONNREFUSED ::1:1433',
    )
  })
})

import type sql from 'mssql'

import {invalidConnectionString} from '../../database-errors.js'
import type {AdoKeyword} from './ado-keywords.js'

/** What an ADO.NET connection string says, as an mssql (tedious) configuration. */
export interface SqlServerTarget {
  config: sql.config
  databaseName: string
  /** The server as operators write it: `host`, `host,port` or `host\instance`. */
  host: string
}

/** ADO.NET's "wait forever" (`Connect Timeout=0`), as the longest timer Node can set. */
const FOREVER_MS = 2_147_483_647

export function sqlServerTarget(keywords: ReadonlyMap<AdoKeyword, string>): SqlServerTarget {
  const server = parseServer(required(keywords, 'server', 'Server (or Data Source)'))
  const databaseName = required(keywords, 'database', 'Database (or Initial Catalog)')
  const options: NonNullable<sql.config['options']> = {
    encrypt: encryptOption(keywords.get('encrypt')),
    trustServerCertificate: booleanOption(keywords, 'trustServerCertificate') ?? false,
    multiSubnetFailover: booleanOption(keywords, 'multiSubnetFailover') ?? false,
  }
  if (server.instanceName) options.instanceName = server.instanceName
  const applicationName = keywords.get('applicationName')
  if (applicationName) options.appName = applicationName

  const authentication = keywords.get('authentication')
  if (authentication && authentication.replaceAll(/\s/g, '').toLowerCase() !== 'sqlpassword') {
    throw invalidConnectionString(
      `Authentication=${authentication} is not supported; remove it and use a SQL login ` +
        `("User Id=<login>;Password=<password>"), ` +
        'or a Windows account over NTLM ("Integrated Security=SSPI;User Id=<DOMAIN>\\<user>;Password=<password>")',
    )
  }

  const config: sql.config = {
    server: server.name,
    database: databaseName,
    options,
    ...credentials(keywords),
  }
  if (server.port !== undefined) config.port = server.port
  const timeout = keywords.get('connectTimeout')
  if (timeout !== undefined) config.connectionTimeout = connectTimeout(timeout)
  return {config, databaseName, host: server.display}
}

function required(keywords: ReadonlyMap<AdoKeyword, string>, keyword: AdoKeyword, name: string): string {
  const value = keywords.get(keyword)
  if (!value) throw invalidConnectionString(`it names no ${name}`)
  return value
}

interface Server {
  name: string
  port?: number
  instanceName?: string
  display: string
}

/**
 * `[tcp:]host[\instance][,port]`; `.`, `(local)` mean this machine. A port wins over an instance name, as in SqlClient.
 */
function parseServer(value: string): Server {
  if (/^np:/i.test(value))
    throw invalidConnectionString('named pipes (np:) are not supported; connect over TCP (tcp:host,port)')
  let rest = value.replace(/^(tcp|lpc):/i, '').trim()
  let port: number | undefined
  const comma = rest.lastIndexOf(',')
  if (comma !== -1) {
    const text = rest.slice(comma + 1).trim()
    port = Number(text)
    if (!/^\d+$/.test(text) || port < 1 || port > 65_535)
      throw invalidConnectionString(`the server's port "${text}" is not a port number`)
    rest = rest.slice(0, comma).trim()
  }

  const [host, instanceName] = rest.split('\\', 2).map((part) => part.trim())
  if (!host) throw invalidConnectionString('it names no server host')
  const name = host === '.' || host.toLowerCase() === '(local)' ? 'localhost' : host
  if (port !== undefined) return {name, port, display: `${name},${port}`}
  if (instanceName) return {name, instanceName, display: `${name}\\${instanceName}`}
  return {name, display: name}
}

/**
 * SQL login: `User Id` + `Password`. Integrated Security is Windows authentication, which this tool can only
 * do as NTLM with an explicit `DOMAIN\user` and password.
 */
function credentials(keywords: ReadonlyMap<AdoKeyword, string>): Pick<sql.config, 'user' | 'password' | 'domain'> {
  const user = keywords.get('user')
  const password = keywords.get('password') ?? ''
  const integrated = keywords.get('integratedSecurity')
  if (integrated !== undefined && parseBoolean(integrated, 'Integrated Security', ['sspi'])) {
    const [domain, name] = (user ?? '').split('\\', 2)
    if (!name) {
      throw invalidConnectionString(
        'it uses Windows single sign-on (Integrated Security/Trusted_Connection), which this tool cannot do: it has ' +
          'no Windows logon to borrow. Put the credentials in the connection string instead: for a SQL login, remove ' +
          'Integrated Security (or Trusted_Connection) and add "User Id=<login>;Password=<password>"; for a Windows ' +
          'account (NTLM), keep it and add "User Id=<DOMAIN>\\<user>;Password=<password>"',
      )
    }

    return {domain, user: name, password}
  }

  if (!user) throw invalidConnectionString('it names no User Id (and does not use Integrated Security)')
  return {user, password}
}

const BOOLEAN_NAMES = {
  trustServerCertificate: 'TrustServerCertificate',
  multiSubnetFailover: 'MultiSubnetFailover',
} as const

function booleanOption(
  keywords: ReadonlyMap<AdoKeyword, string>,
  keyword: keyof typeof BOOLEAN_NAMES,
): boolean | undefined {
  const value = keywords.get(keyword)
  return value === undefined ? undefined : parseBoolean(value, BOOLEAN_NAMES[keyword])
}

/** SqlClient's Encrypt: true/yes/mandatory, false/no/optional, or strict (TDS 8). Default true, as in SqlClient 4+. */
function encryptOption(value: string | undefined): boolean | 'strict' {
  if (value === undefined) return true
  if (value.trim().toLowerCase() === 'strict') return 'strict'
  return parseBoolean(value, 'Encrypt', ['mandatory'], ['optional'])
}

function parseBoolean(value: string, name: string, alsoTrue: string[] = [], alsoFalse: string[] = []): boolean {
  const word = value.trim().toLowerCase()
  if (['true', 'yes', ...alsoTrue].includes(word)) return true
  if (['false', 'no', ...alsoFalse].includes(word)) return false
  throw invalidConnectionString(`${name}=${value} is neither true nor false`)
}

function connectTimeout(value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw invalidConnectionString(`Connect Timeout=${value} is not a whole number of seconds`)
  const seconds = Number(value.trim())
  return seconds === 0 ? FOREVER_MS : seconds * 1000
}

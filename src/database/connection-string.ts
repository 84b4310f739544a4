import type sql from 'mssql'

import {invalidConnectionString} from './database-errors.js'
import {sqlServerTarget} from './dialects/mssql/ado-config.js'
import {readAdoKeywords} from './dialects/mssql/ado-keywords.js'

/** A connection string understood: which server kind, how to connect, and what to call it in messages. */
export type ParsedConnection =
  | {kind: 'postgres'; url: string; databaseName: string; host: string}
  | {kind: 'mssql'; config: sql.config; databaseName: string; host: string}

/**
 * Reads the server's connection string (docs/server-formats.md): a `postgres://` or `postgresql://` URL, else an
 * ADO.NET keyword string for SQL Server. Anything unusable is a RecoveryError with exit 7 that never quotes the string.
 */
export function parseConnectionString(text: string): ParsedConnection {
  const trimmed = text.trim()
  if (trimmed === '') throw invalidConnectionString('it is empty')
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parsePostgresUrl(trimmed)
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(trimmed))
    throw invalidConnectionString('only postgres:// and postgresql:// URLs are understood')
  const target = sqlServerTarget(readAdoKeywords(trimmed))
  return {kind: 'mssql', ...target}
}

function parsePostgresUrl(text: string): ParsedConnection {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalidConnectionString('it is not a valid postgres:// URL')
  }

  const databaseName = decode(url.pathname.replace(/^\//, ''))
  if (databaseName === '')
    throw invalidConnectionString('the postgres:// URL names no database (postgres://user:password@host:port/DATABASE)')
  const hostname = url.hostname || url.searchParams.get('host') || 'localhost'
  return {kind: 'postgres', url: text, databaseName, host: url.port ? `${hostname}:${url.port}` : hostname}
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw invalidConnectionString('the postgres:// URL has an invalid %-escape')
  }
}

/** "database X on host Y", for messages and the report; never the user or password. */
export function describeConnection(parsed: ParsedConnection): string {
  return `database ${parsed.databaseName} on host ${parsed.host}`
}

/** The connection string's secrets in every form a driver's message could repeat them. */
export function connectionSecrets(parsed: ParsedConnection): string[] {
  if (parsed.kind === 'mssql') return parsed.config.password ? [parsed.config.password] : []
  const password = new URL(parsed.url).password
  if (!password) return []
  try {
    return [password, decodeURIComponent(password)]
  } catch {
    return [password]
  }
}

import {sql, type Expression} from 'kysely'

import type {DialectKind} from '../context.js'
import {MSSQL_COLUMN_TYPES} from '../dialects/mssql/mssql-sql.js'

/** The column types the schema uses, by role; each dialect spells them its own way. */
export interface ColumnTypes {
  /** Document Ids and other short keys. */
  readonly id: Expression<unknown>
  /** Names, usernames, categories: short text. */
  readonly name: Expression<unknown>
  /** Documents and messages: unbounded text, never jsonb (which would reformat documents). */
  readonly text: Expression<unknown>
  /** A point in time with its offset, so UTC survives every driver. */
  readonly timestamp: Expression<unknown>
  readonly boolean: Expression<unknown>
  readonly integer: Expression<unknown>
}

const POSTGRES_COLUMN_TYPES = {
  id: 'varchar(50)',
  name: 'varchar(400)',
  text: 'text',
  timestamp: 'timestamptz',
  boolean: 'boolean',
  integer: 'integer',
} as const

export function columnTypes(kind: DialectKind): ColumnTypes {
  const names = kind === 'mssql' ? MSSQL_COLUMN_TYPES : POSTGRES_COLUMN_TYPES
  return {
    id: sql.raw(names.id),
    name: sql.raw(names.name),
    text: sql.raw(names.text),
    timestamp: sql.raw(names.timestamp),
    boolean: sql.raw(names.boolean),
    integer: sql.raw(names.integer),
  }
}

/** The literal `false` of a boolean column, for a default: SQL Server's `bit` has no `false`. */
export function falseLiteral(kind: DialectKind): Expression<unknown> {
  return sql.raw(kind === 'mssql' ? '0' : 'false')
}

import {sql} from 'kysely'

import type {ColumnTypes} from './sql-dialect.js'

/** A dialect's column types from how it spells each. */
export function columnTypes(names: Readonly<Record<keyof ColumnTypes, string>>): ColumnTypes {
  return {
    id: sql.raw(names.id),
    name: sql.raw(names.name),
    text: sql.raw(names.text),
    timestamp: sql.raw(names.timestamp),
    boolean: sql.raw(names.boolean),
    integer: sql.raw(names.integer),
  }
}

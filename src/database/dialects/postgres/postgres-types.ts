import pg from 'pg'

import {toSafeInteger} from '../safe-integer.js'

const {builtins} = pg.types
const parseTimestamptz = pg.types.getTypeParser(builtins.TIMESTAMPTZ, 'text') as (text: string) => unknown

/**
 * How values come back from PostgreSQL (per pool; pg's global parsers stay untouched):
 * - `bigint` (counts, `count(*)`) → JS number, as on SQL Server; an unsafe value throws.
 * - `timestamp` (without time zone) → Date read as UTC, the way this schema stores instants. pg's default
 *   reads it in the process's local zone, which would shift `LastSeen` by the operator's UTC offset.
 * - `timestamptz` → Date (pg's default); everything else pg's default (`numeric` stays text).
 */
export const POSTGRES_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === builtins.INT8) return toSafeInteger
      if (oid === builtins.TIMESTAMP) return parseUtcTimestamp
    }
    return pg.types.getTypeParser(oid, format)
  }) as pg.CustomTypesConfig['getTypeParser'],
}

function parseUtcTimestamp(text: string): unknown {
  return text === 'infinity' || text === '-infinity' ? parseTimestamptz(text) : parseTimestamptz(`${text}+00`)
}

/**
 * Dates sent as UTC ISO text: a `timestamptz` column reads the same instant, and a `timestamp` column
 * stores the UTC wall time (pg's default would send local time). One level of arrays, for `unnest($1)`.
 */
export function toPostgresParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((item) => (item instanceof Date ? item.toISOString() : item))
  return value
}

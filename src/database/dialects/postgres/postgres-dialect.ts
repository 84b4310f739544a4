import {PostgresDialect, type PostgresPool, type PostgresPoolClient} from 'kysely'
import {createHash} from 'node:crypto'
import pg from 'pg'

import {BoundedCache} from '../../bounded-cache.js'
import {PIPELINE_REQUEST, type Pipeline} from './postgres-pipeline.js'
import {POSTGRES_TYPES, toPostgresParameter} from './postgres-types.js'

/** How long to wait for PostgreSQL to accept a connection before saying it cannot be reached. */
const CONNECT_TIMEOUT_MS = 15_000

/** A pg Pool for `url` with this project's value types (see postgres-types.ts). */
export function createPostgresPool(url: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: applicationName,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: POSTGRES_TYPES,
    // Each statement goes to the server when it is asked for (postgres-pipeline.ts); Kysely still waits for each.
    pipeline: true,
  })
  // An idle connection that dies (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {})
  // Nor may one that dies while checked out (the pool listens only while it is idle): its query reports it.
  pool.on('connect', (client) => client.on('error', () => {}))
  return pool
}

/** Kysely's PostgresDialect over `pool`, sending parameters through `toPostgresParameter`. */
export function createPostgresDialect(pool: pg.Pool): PostgresDialect {
  const kyselyPool: PostgresPool = {
    connect: async () => withUtcParameters(await pool.connect()),
    end: () => pool.end(),
  }
  return new PostgresDialect({pool: kyselyPool})
}

/**
 * A statement with parameters is prepared once per connection under a name drawn from its text, then only bound and
 * run: a reset sends the same few statements (a batch's read, quarantine insert and write) thousands of times, and
 * PostgreSQL parsed and planned each of them anew.
 */
function statementName(text: string): string {
  return statementNames.get(text, () => `lmk_${createHash('sha1').update(text).digest('hex')}`)
}

/** Names by text, so a batch's statement is not hashed again each time (its text is the same string each time). */
const statementNames = new BoundedCache<string>(1024)

/**
 * No cursor: streaming is not used (reads page by Id), so only the (sql, parameters) form is passed on. Answers
 * PIPELINE_REQUEST with this checkout's pipeline, which refuses statements once the connection is back in the pool
 * (after its transaction's COMMIT or ROLLBACK).
 */
function withUtcParameters(client: pg.PoolClient): PostgresPoolClient {
  let released = false
  const query = (text: string, parameters: readonly unknown[]): Promise<pg.QueryResult> => {
    if (parameters.length === 0) return client.query(text)
    const values = parameters.map(toPostgresParameter)
    // node-postgres keeps the array it is given: emptied once the statement is done, so that an array promoted to
    // V8's old generation does not keep a batch's values alive until a full collection (as release-arrays.ts).
    return client.query({name: statementName(text), text, values}).finally(() => {
      values.length = 0
    })
  }
  const pipeline: Pipeline = {
    query: (text, parameters) =>
      released
        ? Promise.reject(new Error('A statement was issued after its transaction had ended; it was not run.'))
        : query(text, parameters),
  }
  return {
    query: ((text: string, parameters: readonly unknown[]) =>
      text === PIPELINE_REQUEST
        ? Promise.resolve({command: 'SELECT', rowCount: 1, rows: [pipeline]})
        : query(text, parameters)) as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => {
      released = true
      client.release(destroy)
    },
  }
}

import {CompiledQuery, type QueryResult} from 'kysely'
import type pg from 'pg'

import type {Executor, Row} from '../sql-dialect.js'

/**
 * How a transaction's executor is asked, through Kysely, for the pipeline of the connection under it (answered by the
 * pool's client, postgres-dialect.ts, never sent): a comment, so it would do nothing should it reach a server.
 */
export const PIPELINE_REQUEST = '-- the pipeline of this connection'

/** Sends a statement on one pooled connection at once, without waiting for the ones before it to answer. */
export interface Pipeline {
  query(text: string, parameters: readonly unknown[]): Promise<pg.QueryResult<Row>>
}

/** Each transaction's pipeline, asked for once; the pipeline itself once it has come. */
const pipelines = new WeakMap<Executor, Pipeline | Promise<Pipeline>>()

/**
 * Runs `query` in `db`'s transaction without waiting for its statements before it to answer: Kysely sends a
 * transaction's statements one at a time, each once the one before has answered and this process has taken the
 * answer, so while this process works on a batch the server waits for it; node-postgres in pipeline mode writes each
 * to the connection when it is asked for (here, before this returns, once the transaction's pipeline is known), and
 * the server answers them in order. Outside a transaction (a pool, whose statements may each take another connection)
 * it is `db.executeQuery`.
 */
export async function pipelined(db: Executor, query: CompiledQuery): Promise<QueryResult<Row>> {
  if (!db.isTransaction) return db.executeQuery<Row>(query)
  let pipeline = pipelines.get(db)
  if (!pipeline) {
    pipeline = db.executeQuery<Pipeline>(CompiledQuery.raw(PIPELINE_REQUEST)).then(({rows}) => {
      pipelines.set(db, rows[0])
      return rows[0]
    })
    pipelines.set(db, pipeline)
  }
  const sent =
    pipeline instanceof Promise
      ? pipeline.then((known) => known.query(query.sql, query.parameters))
      : pipeline.query(query.sql, query.parameters)
  const {command, rowCount, rows} = await sent
  // As Kysely's PostgresDriver reports a count.
  const counted = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
  return {rows, ...(counted && {numAffectedRows: BigInt(rowCount ?? 0)})}
}

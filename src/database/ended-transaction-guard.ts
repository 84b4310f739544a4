import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'

/**
 * Refuses every statement issued on a transaction after its work has settled. Work still in flight (a batch
 * written in the background while the next is read) may otherwise issue a statement after the driver queued
 * COMMIT or ROLLBACK: on the same connection it would run outside the transaction, in autocommit, and a
 * "rolled back" run would have changed data (docs/recovery.md, "When something fails").
 */
export class EndedTransactionGuard implements KyselyPlugin {
  #ended = false

  end(): void {
    this.#ended = true
  }

  transformQuery({node}: PluginTransformQueryArgs): RootOperationNode {
    if (this.#ended) throw new Error('A statement was issued after its transaction had ended; it was not run.')
    return node
  }

  async transformResult({result}: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result
  }
}

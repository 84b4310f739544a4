import type sql from 'mssql'

/** The callback `acquire` hands its connection to, as mssql's Requests and Transactions call it. */
type AcquireCallback = (error: Error | null, connection?: unknown, config?: unknown) => void

/**
 * One physical connection taken from an mssql pool and kept until `release()`. Every mssql Request or
 * Transaction created with this object as its parent runs on that same connection, which session state
 * (`sp_getapplock` with `@LockOwner = 'Session'`) needs. mssql has no public call for this; but a Request
 * or Transaction only asks its parent to `acquire` and `release` a connection (exactly what mssql's own
 * Transaction does for its requests), so this object plays that part.
 */
export class ReservedConnection {
  private constructor(
    /** The pool; mssql follows `parent` links to it for tracing. */
    readonly parent: sql.ConnectionPool,
    private readonly connection: unknown,
  ) {}

  static async reserve(pool: sql.ConnectionPool): Promise<ReservedConnection> {
    const acquire = (pool as unknown as {acquire(requester: unknown): Promise<unknown>}).acquire.bind(pool)
    const placeholder = {}
    return new ReservedConnection(pool, await acquire(placeholder))
  }

  get config(): sql.config {
    return (this.parent as unknown as {config: sql.config}).config
  }

  get connected(): boolean {
    return this.parent.connected
  }

  /** The database collation mssql learnt at login; a Request reads it to validate table-valued parameters. */
  get collation(): unknown {
    return (this.parent as unknown as {collation: unknown}).collation
  }

  acquire(_requester: unknown, callback: AcquireCallback): this {
    setImmediate(callback, null, this.connection, this.config)
    return this
  }

  /** A Request or Transaction is done with the connection: it stays reserved here. */
  release(): this {
    return this
  }

  /** Gives the connection back to the pool. */
  releaseToPool(): void {
    ;(this.parent as unknown as {release(connection: unknown): void}).release(this.connection)
  }

  /** This object as the parent mssql's Request and Transaction constructors expect. */
  asParent(): sql.ConnectionPool {
    return this as unknown as sql.ConnectionPool
  }
}

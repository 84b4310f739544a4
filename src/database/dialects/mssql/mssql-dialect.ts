import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  MssqlAdapter,
  MssqlIntrospector,
  MssqlQueryCompiler,
  type QueryCompiler,
} from 'kysely'

/**
 * Kysely's own SQL Server adapter, compiler and introspector over a driver of our choosing: the mssql pool
 * driver in production, a capturing driver in the T-SQL check (so the check sees exactly what runs).
 */
export class MssqlDialect implements Dialect {
  constructor(private readonly driver: Driver) {}

  createDriver(): Driver {
    return this.driver
  }

  createQueryCompiler(): QueryCompiler {
    return new MssqlQueryCompiler()
  }

  createAdapter(): DialectAdapter {
    return new MssqlAdapter()
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new MssqlIntrospector(db)
  }
}

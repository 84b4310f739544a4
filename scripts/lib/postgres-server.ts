import pg from 'pg'

/** A PostgreSQL server reached as its superuser: the suite's, an embedded one, or one `TEST_DATABASE_URL` names. */
export interface PostgresServer {
  /** A `postgres://` URL of database `name` on this server. */
  urlFor(name: string): string
  /** Runs one statement as the superuser, in database `database`. */
  execute(statement: string, database?: string): Promise<void>
  /** One value of one row, as text (`SELECT pg_database_size(...)`). */
  queryValue(statement: string, values?: unknown[]): Promise<string>
  createDatabase(name: string): Promise<string>
  dropDatabase(name: string): Promise<void>
}

/** The server at `adminUrl` (a superuser's URL of any of its databases). */
export function postgresServerAt(adminUrl: string): PostgresServer {
  const urlFor = (name: string) => {
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    return url.toString()
  }
  const run = async <T extends pg.QueryResultRow>(statement: string, values: unknown[], database: string) => {
    const client = new pg.Client({connectionString: urlFor(database)})
    await client.connect()
    try {
      return (await client.query<T>(statement, values)).rows
    } finally {
      await client.end()
    }
  }
  return {
    urlFor,
    async execute(statement, database = 'postgres') {
      await run(statement, [], database)
    },
    async queryValue(statement, values = []) {
      const [row] = await run<Record<string, unknown>>(statement, values, 'postgres')
      return String(Object.values(row)[0])
    },
    async createDatabase(name) {
      await run(`CREATE DATABASE "${name}"`, [], 'postgres')
      return urlFor(name)
    },
    async dropDatabase(name) {
      await run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, [], 'postgres')
    },
  }
}

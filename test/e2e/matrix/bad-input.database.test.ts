import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {withSetting} from '../../../src/instance/config-file.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {query} from '../../support/lost-server.js'
import {testEngines} from '../../support/targets.js'
import {createTestDatabase} from '../../support/test-database.js'
import {CONFIRMED, expectRefusal, matrixServer, type MatrixServer, watching} from './support/matrix-run.js'

/** The database the config names: unreachable, refused, missing, empty, or of a schema this tool must not touch. */
interface ConnectionChange {
  port?: string
  password?: string
  database?: string
}

for (const engine of testEngines())
  describe(`bad-input matrix: the database, on ${engine}`, () => {
    let target: MatrixServer
    let caseNumber = 0
    const pg = engine === 'postgres'

    before(async () => {
      target = await matrixServer({seed: 24, engine})
    })

    after(() => target.server.dispose())

    /** A copy of the seeded config naming `connectionString`, watched, with that string's password as a secret. */
    async function configFor(
      connectionString: string,
      password?: string,
    ): Promise<{args: string[]; target: MatrixServer}> {
      const dir = path.join(target.server.root, `db-case-${++caseNumber}`)
      await mkdir(dir)
      const file = path.join(dir, 'OctopusServer.config')
      await writeFile(
        file,
        withSetting(
          await readFile(target.server.seeded.configPath, 'utf8'),
          SettingKey.ConnectionString,
          connectionString,
        ),
        {mode: 0o600},
      )
      const secrets = password
        ? [...target.secrets, {name: 'password in the connection string', value: password}]
        : target.secrets
      return {
        args: [...CONFIRMED, '--config', file],
        target: {...watching(target, {folders: [dir], files: [file]}), secrets},
      }
    }

    function serverUrl(change: (url: URL) => void): string {
      const url = new URL(target.server.database.url)
      change(url)
      return url.toString()
    }

    /** The seeded connection with one part changed: in the URL, or as a repeated ADO.NET keyword (the last wins). */
    function changed({port, password, database}: ConnectionChange): string {
      if (pg) {
        return serverUrl((u) => {
          if (port) u.port = port
          if (password) u.password = password
          if (database) u.pathname = `/${database}`
        })
      }
      let text = target.server.database.url
      if (port) text = text.replace(/Server=([^,;]+),\d+/i, `Server=$1,${port}`) + ';Connect Timeout=5'
      if (password) text += `;Password=${password}`
      if (database) text += `;Database=${database}`
      return text
    }

    it('an unreachable host (exit 7), without the password', async () => {
      const c = await configFor(changed({port: '1', password: 'Unreachable-Pa55word'}), 'Unreachable-Pa55word')
      await expectRefusal(c.target, c.args, {
        exit: 7,
        says: ['Cannot reach the server of database', 'host name and port'],
      })
    })

    it('a wrong password (exit 7), without either password', async () => {
      const c = await configFor(changed({password: 'Wrong-Pa55word-xyz'}), 'Wrong-Pa55word-xyz')
      await expectRefusal(c.target, c.args, {
        exit: 7,
        says: [`Login failed for database ${target.server.database.name}`, 'user name and password'],
      })
    })

    it('a database that does not exist (exit 7), naming it', async () => {
      const c = await configFor(changed({database: 'no_such_octopus_db'}))
      // Babelfish refuses it as a failed login whose words say "does not exist"; SQL Server says "Cannot open
      // database".
      const says = pg
        ? ['database no_such_octopus_db', 'does not exist', 'database name']
        : ['no_such_octopus_db', /does not exist|Cannot open database/]
      await expectRefusal(c.target, c.args, {exit: 7, says})
    })

    // URLs are PostgreSQL's form of connection string; ADO.NET strings have their own cases (bad-input.instance).
    if (pg)
      it('a URL with a broken %-escape in the database name (exit 7)', async () => {
        const c = await configFor(target.server.database.url.replace(/\/([^/]+)$/, '/bad%zzname'))
        await expectRefusal(c.target, c.args, {exit: 7, says: ['invalid %-escape', SettingKey.ConnectionString]})
      })

    if (pg)
      it('a URL that names no database (exit 7)', async () => {
        const c = await configFor(serverUrl((u) => (u.pathname = '/')))
        await expectRefusal(c.target, c.args, {exit: 7, says: ['names no database']})
      })

    it('an empty database, without the tables (exit 7), saying it is not a server database', async () => {
      const empty = await createTestDatabase('empty', engine)
      try {
        const c = await configFor(empty.url)
        await expectRefusal({...c.target, watched: {...c.target.watched, databaseUrl: empty.url}}, c.args, {
          exit: 7,
          says: ['no SchemaVersions journal', 'not an Octopus Server database', 'connection string'],
        })
      } finally {
        await empty.drop()
      }
    })

    // PostgreSQL only: a SQL Server login is a server object (CREATE LOGIN, then a user in the database).
    if (pg)
      it('a login that may not read the tables (exit 7), saying which login it needs', async () => {
        const role = `lmk_reader_${caseNumber}_${process.pid}`
        await query(target.server.database.url, `CREATE ROLE "${role}" LOGIN PASSWORD 'NoRights-Pa55word'`)
        try {
          const c = await configFor(
            serverUrl((u) => ((u.username = role), (u.password = 'NoRights-Pa55word'))),
            'NoRights-Pa55word',
          )
          await expectRefusal(c.target, c.args, {exit: 7, says: [/permission|may not/i, 'owns the database']})
        } finally {
          await query(target.server.database.url, `DROP OWNED BY "${role}"; DROP ROLE "${role}"`)
        }
      })

    it('a journal with a script this tool does not know (exit 6), naming it', async () => {
      const [first] = await query<{Id: number; ScriptName: string}>(
        target.server.database.url,
        'SELECT "Id", "ScriptName" FROM "SchemaVersions" ORDER BY "Id" LIMIT 1',
      )
      await query(
        target.server.database.url,
        `UPDATE "SchemaVersions" SET "ScriptName" = 'X-0001-someone-elses-script' WHERE "Id" = $1`,
        [first.Id],
      )
      try {
        await expectRefusal(target, CONFIRMED, {
          exit: 6,
          says: ['X-0001-someone-elses-script', 'newer than this tool', 'Nothing was changed'],
        })
      } finally {
        await query(target.server.database.url, `UPDATE "SchemaVersions" SET "ScriptName" = $2 WHERE "Id" = $1`, [
          first.Id,
          first.ScriptName,
        ])
      }
    })

    it('a journal with a gap (exit 6), naming where it departs', async () => {
      const rows = await query<{Id: number; ScriptName: string; Applied: Date}>(
        target.server.database.url,
        'SELECT * FROM "SchemaVersions" ORDER BY "Id"',
      )
      const missing = rows[1]
      await query(target.server.database.url, 'DELETE FROM "SchemaVersions" WHERE "Id" = $1', [missing.Id])
      try {
        await expectRefusal(target, CONFIRMED, {exit: 6, says: [rows[2].ScriptName, 'Use a version of this tool']})
      } finally {
        const insert = 'INSERT INTO "SchemaVersions" ("Id", "ScriptName", "Applied")'
        await query(
          target.server.database.url,
          pg
            ? `${insert} OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3)`
            : `SET IDENTITY_INSERT "SchemaVersions" ON; ${insert} VALUES ($1, $2, $3); SET IDENTITY_INSERT ` +
                `"SchemaVersions" OFF`,
          [missing.Id, missing.ScriptName, missing.Applied],
        )
      }
    })

    it('a journal that lists a script twice (exit 6)', async () => {
      const [last] = await query<{ScriptName: string}>(
        target.server.database.url,
        'SELECT "ScriptName" FROM "SchemaVersions" ORDER BY "Id" DESC LIMIT 1',
      )
      const [added] = await query<{Id: number}>(
        target.server.database.url,
        pg
          ? `INSERT INTO "SchemaVersions" ("ScriptName", "Applied") VALUES ($1, now()) RETURNING "Id"`
          : `INSERT INTO "SchemaVersions" ("ScriptName", "Applied") OUTPUT inserted."Id" VALUES ($1, ` +
              `CURRENT_TIMESTAMP)`,
        [last.ScriptName],
      )
      try {
        await expectRefusal(target, CONFIRMED, {exit: 6, says: [last.ScriptName, 'Nothing was changed']})
      } finally {
        await query(target.server.database.url, 'DELETE FROM "SchemaVersions" WHERE "Id" = $1', [added.Id])
      }
    })
  })

import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {chmod, mkdir, readdir, rename, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import pg from 'pg'

import {freePort} from './free-port.js'
import {serverFolder} from './server-folder.js'

const run = promisify(execFile)

/** `../shared/babelfish` beside the checkout: the Babelfish for PostgreSQL build and its start script. */
export const BABELFISH_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/babelfish')

export interface BabelfishServer {
  /** ADO.NET, to its `master` database, as MSSQL_TEST_CONNECTION names a real SQL Server. */
  readonly connectionString: string
  /** The same cluster's PostgreSQL side (superuser), for what T-SQL cannot do (see `patchCompatibilityLevel`). */
  readonly postgresUrl: string
  stop(): Promise<void>
}

/** Why Babelfish cannot be started here, or undefined when it can. */
export function babelfishMissing(): string | undefined {
  if (!existsSync(path.join(BABELFISH_FOLDER, 'start-babelfish.sh'))) return `${BABELFISH_FOLDER} is missing`
  return undefined
}

const USER = 'babelfish_user'
const PASSWORD = '12345678'

export interface BabelfishOptions {
  /** The login the start script creates (default babelfish_user): a test breaks the start with one it rejects. */
  readonly user?: string
  /** The folder the data folder is made in (default: the system temp folder). */
  readonly dataParent?: string
}

/**
 * Starts Babelfish in multi-db mode (one database per test) on free ports with a fresh data folder, from an
 * install extracted once into the system temp folder (keyed by the tarball's name, size and mtime), where the
 * `postgres` user the start script switches to under root can reach it. A start that fails stops the server it
 * half-started (the script may fail after the server came up) before removing its data folder, and rejects with
 * the script's own error: removing a live server's folder fails (ENOTEMPTY) and would hide it.
 */
export async function startBabelfish(options: BabelfishOptions = {}): Promise<BabelfishServer> {
  const install = await extractedInstall()
  const user = options.user ?? USER
  const data = await serverFolder(options.dataParent ?? tmpdir(), 'lost-master-key-bbf-data-')
  await chmod(data, 0o755)
  const tdsPort = await freePort()
  const pgPort = await freePort()
  const removeCluster = () => stopCluster(install, data)
  try {
    await run(
      'bash',
      [path.join(BABELFISH_FOLDER, 'start-babelfish.sh'), install, data, String(tdsPort), String(pgPort)],
      {
        env: {...process.env, BBF_MODE: 'multi-db', BBF_USER: user, BBF_PASSWORD: PASSWORD},
        maxBuffer: 16 * 1024 * 1024,
      },
    )
  } catch (error) {
    const why = (error as {stderr?: string}).stderr?.trim() || (error as Error).message
    throw new Error(`Babelfish did not start: ${why}${await cleanUpAfter(removeCluster)}`, {cause: error})
  }

  const postgresUrl = `postgres://${user}:${PASSWORD}@127.0.0.1:${pgPort}/babelfish_db`
  const server: BabelfishServer = {
    connectionString: `Server=127.0.0.1,${tdsPort};Database=master;User Id=${user};Password=${PASSWORD};Encrypt=false`,
    postgresUrl,
    stop: removeCluster,
  }
  try {
    await patchCompatibilityLevel(postgresUrl)
  } catch (error) {
    const cleanup = await cleanUpAfter(removeCluster)
    if (cleanup && error instanceof Error) error.message += cleanup
    throw error
  }

  return server
}

/**
 * Runs the clean-up after a failure; what it could not do is returned as a note for the failure's message, so the
 * failure itself stays what the user reads first.
 */
async function cleanUpAfter(cleanUp: () => Promise<void>): Promise<string> {
  try {
    await cleanUp()
    return ''
  } catch (error) {
    return ` (and cleaning up failed too: ${(error as Error).message})`
  }
}

/**
 * Stops the cluster in `data` if its server runs (`postmaster.pid` is there), waiting until it is down, then
 * removes the folder. Fast shutdown first; a server that does not go within seconds is stopped immediately.
 */
async function stopCluster(install: string, data: string): Promise<void> {
  if (existsSync(path.join(data, 'postmaster.pid'))) {
    const pgCtl = (mode: string) => {
      const command = [path.join(install, 'bin', 'pg_ctl'), '-D', data, '-m', mode, '-w', '-t', '10', 'stop']
      // As root the server runs as `postgres` (the start script's RUN_AS), and only its owner may signal it.
      return process.getuid?.() === 0
        ? run('runuser', ['-u', 'postgres', '--', ...command])
        : run(command[0], command.slice(1))
    }
    await pgCtl('fast').catch(() => pgCtl('immediate'))
  }
  await rm(data, {recursive: true, force: true, maxRetries: 5})
}

/** The table a test writes a database's compatibility level into (absent: 130). See `patchCompatibilityLevel`. */
export const COMPATIBILITY_LEVEL_TABLE = 'public.lmk_test_compatibility_level'

/**
 * Babelfish's `sys.databases.compatibility_level` is a constant 120, although its OPENJSON works as SQL Server's
 * does from level 130. The tool refuses below 130 (docs/recovery.md), so the stand-in is made to report what a
 * SQL Server with OPENJSON reports, 130, unless a test lowers one database in COMPATIBILITY_LEVEL_TABLE (the
 * PostgreSQL side is the only way: Babelfish has no ALTER DATABASE).
 */
async function patchCompatibilityLevel(postgresUrl: string): Promise<void> {
  const client = new pg.Client({connectionString: postgresUrl})
  await client.connect()
  try {
    const {rows} = await client.query<{definition: string}>(
      `SELECT pg_get_viewdef('sys.sysdatabases'::regclass) AS definition`,
    )
    const constant = '(120)::sys.tinyint AS cmptlevel'
    if (!rows[0].definition.includes(constant))
      throw new Error(`sys.sysdatabases no longer reports a constant level: ${rows[0].definition}`)
    const level =
      `(COALESCE((SELECT l.level FROM ${COMPATIBILITY_LEVEL_TABLE} l WHERE l.name = t.name), ` +
      `130))::sys.tinyint AS cmptlevel`
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${COMPATIBILITY_LEVEL_TABLE} (name text PRIMARY KEY, level integer NOT NULL)`,
    )
    await client.query(`GRANT SELECT ON ${COMPATIBILITY_LEVEL_TABLE} TO PUBLIC`)
    await client.query(`CREATE OR REPLACE VIEW sys.sysdatabases AS ${rows[0].definition.replace(constant, level)}`)
  } finally {
    await client.end()
  }
}

/** The install, extracted once per tarball version; concurrent runs extract side by side and one rename wins. */
async function extractedInstall(): Promise<string> {
  const tarball = (await readdir(BABELFISH_FOLDER)).find((name) => /^babelfish-.*\.tar\.xz$/.test(name))
  if (!tarball) throw new Error(`${BABELFISH_FOLDER} holds no babelfish-*.tar.xz`)
  const {size, mtimeMs} = await stat(path.join(BABELFISH_FOLDER, tarball))
  const cache = path.join(tmpdir(), 'lost-master-key-babelfish')
  const install = path.join(cache, `${tarball.replace(/\.tar\.xz$/, '')}-${size}-${Math.trunc(mtimeMs)}`)
  if (existsSync(path.join(install, 'bin', 'postgres'))) return install
  await mkdir(cache, {recursive: true, mode: 0o755})
  const partial = `${install}.partial-${randomBytes(6).toString('hex')}`
  await mkdir(partial, {mode: 0o755})
  try {
    await run('tar', ['-C', partial, '-xJf', path.join(BABELFISH_FOLDER, tarball)])
    await rename(partial, install)
  } catch (error) {
    await rm(partial, {recursive: true, force: true})
    if (!existsSync(path.join(install, 'bin', 'postgres'))) throw error
  }

  return install
}

import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {chmod, mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {processesNaming} from '../../../scripts/lib/proc-stat.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const DEADLINE_MS = 60_000

/**
 * The test command's global setup (test/setup/global-postgres.ts) when one server cannot be had: the SQL Server
 * named is unreachable while the embedded PostgreSQL is still starting. Mocha runs in a child process with a temp
 * folder of its own; needs no global setup itself.
 */
describe('a global setup that fails', () => {
  let folder: string

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'lost-master-key-setup-failure-'))
    // The embedded PostgreSQL may run as the `postgres` user, which must reach its data folder in here.
    await chmod(folder, 0o755)
  })
  after(async () => {
    // Only if the setup failed to stop them: servers it left running in this folder.
    for (const {pid} of await processesNaming(folder)) process.kill(pid, 'SIGKILL')
    await rm(folder, {recursive: true, force: true})
  })

  it('stops the server that did start and exits non-zero within seconds, with the original error', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TMPDIR: folder,
      TEST_DATABASE_URL: undefined,
      // Nothing listens on port 1: the connection is refused at once.
      MSSQL_TEST_CONNECTION: 'Server=127.0.0.1,1;Database=master;User Id=sa;Password=unused;Encrypt=false',
    }
    const startedAt = Date.now()
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/mocha/bin/mocha.js'),
        '--require',
        'test/setup/global-postgres.ts',
        'test/unit/files/atomic-file.test.ts',
      ],
      {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe']},
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exitCode = await new Promise<number | string>((resolve) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL')
        resolve(`still running after ${DEADLINE_MS / 1000} s`)
      }, DEADLINE_MS)
      child.on('close', (code) => {
        clearTimeout(deadline)
        resolve(code ?? 'killed')
      })
    })
    console.log(`      the failed setup ended after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)

    expect(exitCode, output).to.be.a('number').and.not.equal(0)
    expect(output)
      .to.include('global setup failed')
      .and.match(/ECONNREFUSED|Failed to connect/)
    expect(await processesNaming(folder), 'servers left running').to.deep.equal([])
    const left = (await readdir(folder)).filter((name) => name.startsWith('lost-master-key-'))
    expect(left, 'server folders left behind').to.deep.equal([])
  })
})

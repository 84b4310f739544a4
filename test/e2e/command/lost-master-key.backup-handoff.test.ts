import {type Command, Config} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'
import {rm} from 'node:fs/promises'
import path from 'node:path'

import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {createLostServer, databaseFingerprint, type LostServer} from '../../support/lost-server.js'
import {BACKED_UP, type CommandRun, RESET, ROOT, runInProcess} from '../../support/run-command.js'
import {pgDump} from '../matrix/support/pg-dump-archive.js'

/**
 * The prerun hook finds the backup evidence and hands it to the command of the same run (oclif gives both the same
 * argv array), so the database is not asked twice. These runs take oclif's two halves of a run apart: the prerun
 * hooks (`config.runHook('prerun')`), and the command run as a host without the hook would run it. A first run
 * whose command never comes (another plugin's prerun hook refused) must leave nothing for the next run in the
 * process. The archive is removed between the halves: a command that looks for the evidence itself finds none.
 */
describe('server:lost-master-key: the backup evidence its prerun hook hands over', () => {
  const SEED = 26
  let server: LostServer
  let env: Record<string, string | undefined>
  let config: Config
  let LostMasterKey: Command.Class
  let archive: string

  before(async () => {
    console.log(`      seed ${SEED}`)
    server = await createLostServer({documents: 60, seed: SEED})
    env = {...server.env, MASTER_KEY: undefined}
    config = await Config.load(ROOT)
    LostMasterKey = await config.findCommand('server:lost-master-key', {must: true}).load()
    archive = path.join(server.root, 'octopus.dump')
  })

  after(() => server.dispose())

  const confirmed = () => [
    RESET,
    BACKED_UP,
    '--backupFile',
    archive,
    '--masterKeyFile',
    path.join(server.root, `key-${Date.now()}.txt`),
    '--json',
  ]
  const prerunHooks = (argv: string[]): Promise<CommandRun> =>
    runInProcess(() => captureOutput(() => config.runHook('prerun', {argv, Command: LostMasterKey})), env)
  const command = (argv: string[]): Promise<CommandRun> =>
    runInProcess(() => captureOutput(() => LostMasterKey.run(argv, config)), env)

  it("refuses a run that has no evidence of its own, after another run's hook found evidence (exit 3)", async () => {
    pgDump(server.database.url, archive)
    const first = confirmed()
    const hooks = await prerunHooks(first)
    expect(hooks.exitCode, `the first run's hook: ${hooks.message}`).to.equal(0)
    await rm(archive)

    const before = await databaseFingerprint(server.database.url)
    const second = await command([...first])
    expect(second.exitCode, second.message).to.equal(3)
    expect(second.message).to.include(archive).and.include('the file does not exist')
    expect(await databaseFingerprint(server.database.url), 'database unchanged').to.equal(before)
  })

  it('reports the evidence its own hook found, without looking for it again', async () => {
    pgDump(server.database.url, archive)
    const argv = confirmed()
    const hooks = await prerunHooks(argv)
    expect(hooks.exitCode, `the hook: ${hooks.message}`).to.equal(0)
    await rm(archive)

    const run = await command(argv)
    expect(run.exitCode, run.message).to.equal(0)
    const report = JSON.parse(run.stdout) as RecoveryReport
    expect(report.outcome).to.equal('reset')
    expect(report.backup).to.include({kind: 'pg_dump-archive', file: archive, databaseName: server.database.name})
  })
})

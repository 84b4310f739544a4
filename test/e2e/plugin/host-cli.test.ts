import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {buildHostCli, packPlugin} from '../../../scripts/lib/host-cli.js'
import {lostMasterKeyFlags} from '../../../src/cli/lost-master-key-flags.js'

const HEAVY = ['mssql', 'tedious', 'kysely', 'pg', 'listr2', 'node-forge']

describe('the plugin inside a host CLI', function () {
  this.timeout(300_000)
  let work: string
  let bin: string

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'plugin-host-'))
    const tarball = await packPlugin(work)
    ;({bin} = await buildHostCli({pluginTarball: tarball, dir: path.join(work, 'host')}))
  })

  after(async () => {
    await rm(work, {recursive: true, force: true})
  })

  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(
      process.execPath,
      [...(env.NODE_OPTIONS_IMPORT ? ['--import', env.NODE_OPTIONS_IMPORT] : []), bin, ...args],
      {
        encoding: 'utf8',
        // A host CLI in production: NODE_ENV=test (set for this suite) would make oclif look for the plugin's sources.
        env: {...process.env, NODE_ENV: 'production', ...env},
      },
    )

  it('shows the help of server:lost-master-key with every flag and alias', () => {
    // Wide enough that help does not wrap an example across lines.
    const result = run(['server:lost-master-key', '--help'], {OCLIF_COLUMNS: '400'})
    expect(result.status, result.stderr).to.equal(0)
    for (const [name, flag] of Object.entries(lostMasterKeyFlags)) {
      if ((flag as {hidden?: boolean}).hidden) continue
      expect(result.stdout).to.include(`--${name}`)
      for (const alias of (flag as {aliases?: string[]}).aliases ?? []) expect(result.stdout).to.include(`--${alias}`)
    }
    expect(result.stdout).to.include(
      '--instance="OctopusServer" --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase',
    )
  })

  it("runs the host's own command without loading anything heavy of the plugin", async () => {
    const record = path.join(work, 'imports.txt')
    const result = run(['hello'], {
      NODE_OPTIONS_IMPORT: path.resolve('test/support/record-imports.mjs'),
      RECORD_IMPORTS_FILE: record,
    })
    expect(result.status, result.stderr).to.equal(0)
    expect(result.stdout).to.include('hello from the host')
    const loaded = await readFile(record, 'utf8')
    expect(loaded, 'the prerun hook ran').to.include('hooks/prerun/preflight.cjs')
    for (const name of HEAVY) expect(loaded, name).to.not.match(new RegExp(`/node_modules/${name}/`))
  })

  // oclif imports a command's file before its prerun hook and before parsing its flags: a refusal or a usage error
  // must not pay for the database, crypto and task-list modules (Kysely alone is about a thousand files).
  const refusals = [
    {args: ['server:lost-master-key', '--instance', 'OctopusServer'], exit: 3},
    {args: ['server:rotate-master-key', '--instance', 'OctopusServer'], exit: 3},
    ...[
      'check-master-key',
      'lost-master-key',
      'restore-quarantined',
      'rotate-master-key',
      'set-master-key',
      'show-master-key',
    ].map((name) => ({args: [`server:${name}`, '--no-such-flag'], exit: 2})),
  ]
  for (const {args, exit} of refusals) {
    it(`${args.join(' ')}: exit ${exit} without loading anything heavy`, async () => {
      const record = path.join(work, `imports-${args.join('-')}.txt`)
      const result = run(args, {
        NODE_OPTIONS_IMPORT: path.resolve('test/support/record-imports.mjs'),
        RECORD_IMPORTS_FILE: record,
      })
      expect(result.status, result.stderr).to.equal(exit)
      const loaded = await readFile(record, 'utf8')
      expect(loaded, 'the command was imported').to.include(`commands/server/${args[0].slice('server:'.length)}.js`)
      for (const name of HEAVY) expect(loaded, name).to.not.match(new RegExp(`/node_modules/${name}/`))
    })
  }

  it('refuses without the confirmations, naming both, with exit code 3', () => {
    const result = run(['server:lost-master-key', '--instance', 'OctopusServer'])
    expect(result.status, result.stderr).to.equal(3)
    expect(result.stderr).to.include('--iReallyWantToResetAllMySensitiveData').and.include('--iHaveBackedUpMyDatabase')
  })
})

import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {sealMasterKey} from '../../../src/instance/key-sealing.js'
import {formatMachineKey} from '../../../src/instance/machine-key.js'
import {createLostServer, type LostServer, query} from '../../support/lost-server.js'
import {runLostMasterKey} from '../../support/run-command.js'
import {takeSnapshot} from './database-snapshot.js'
import type {Baseline, TrialFiles} from './recovery-baseline.js'
import {observeTrialState} from './trial-state.js'

/** The crash trials are only as good as their judge: each state it must reject, it does reject. */
describe('crash trials: the state checks', () => {
  let lost: LostServer
  let files: TrialFiles
  let baseline: Baseline
  const withMasterKey = (text: string, sealed: string) =>
    text.replace(/(<set key="Octopus\.Storage\.MasterKey">)[^<]*/, `$1${sealed}`)

  before(async () => {
    lost = await createLostServer({
      documents: 300,
      seed: 11,
      corruptShare: 0.05,
      nonCiphertextShare: 0.05,
      malformedShare: 0.02,
    })
    const configPath = lost.seeded.configPath
    files = {
      server: {
        root: lost.root,
        databaseName: lost.database.name,
        databaseUrl: lost.database.url,
        configPath,
        machineKeyPath: lost.seeded.machineKeyPath,
        originalConfig: await readFile(configPath, 'utf8'),
        env: lost.seeded.env,
        dispose: () => lost.dispose(),
      },
      masterKeyFile: path.join(lost.root, 'new-master-key.txt'),
      reportFile: path.join(lost.root, 're-enter.csv'),
    }
    baseline = {seeded: lost.seeded, snapshot: await takeSnapshot(lost.database.url)}
  })

  after(() => lost.dispose())

  it('calls a server nobody touched untouched', async () => {
    expect((await observeTrialState(baseline, files)).kind).to.equal('untouched')
  })

  it('accepts a config holding a new key only when a kept copy restores the old one', async () => {
    const machineKey = {key: randomBytes(32), iv: randomBytes(16)}
    await writeFile(files.server.machineKeyPath, formatMachineKey(machineKey), {mode: 0o600})
    await writeFile(
      files.server.configPath,
      withMasterKey(files.server.originalConfig, sealMasterKey(randomBytes(32), machineKey)),
    )
    const withoutCopy = await observeTrialState(baseline, files)
    expect(withoutCopy.kind === 'inconsistent' && withoutCopy.problems.join('\n')).to.match(/no kept copy/)
    const copy = `${files.server.configPath}.before-lost-master-key-test`
    await writeFile(copy, files.server.originalConfig)
    expect((await observeTrialState(baseline, files)).kind).to.equal('new-key-pending')
    // The run below starts from this state, as a re-run after such a kill does.
  })

  describe('after a complete run', () => {
    before(async () => {
      const run = await runLostMasterKey(
        [
          '--iReallyWantToResetAllMySensitiveData',
          '--iHaveBackedUpMyDatabase',
          '--skipBackupCheck',
          '--masterKeyFile',
          files.masterKeyFile,
          '--reportFile',
          files.reportFile,
        ],
        lost.env,
      )
      expect(run.exitCode, run.message).to.equal(0)
    })

    it('calls it complete', async () => {
      expect((await observeTrialState(baseline, files)).kind).to.equal('complete')
    })

    it('rejects a changed non-sensitive byte, in a document or in another column', async () => {
      const [{Id, OwnerId}] = await query<{Id: string; OwnerId: string}>(
        lost.database.url,
        'SELECT "Id", "OwnerId" FROM "VariableSet" ORDER BY "Id" LIMIT 1',
      )
      await query(lost.database.url, `UPDATE "VariableSet" SET "JSON" = "JSON" || ' ' WHERE "Id" = $1`, [Id])
      expect((await observeTrialState(baseline, files)).kind).to.equal('inconsistent')
      await query(
        lost.database.url,
        `UPDATE "VariableSet" SET "JSON" = left("JSON", -1), "OwnerId" = 'moved' WHERE "Id" = $1`,
        [Id],
      )
      expect((await observeTrialState(baseline, files)).kind).to.equal('inconsistent')
      await query(lost.database.url, 'UPDATE "VariableSet" SET "OwnerId" = $2 WHERE "Id" = $1', [Id, OwnerId])
      expect((await observeTrialState(baseline, files)).kind).to.equal('complete')
    })

    it('rejects a ciphertext left in place', async () => {
      const [{DocumentId}] = await query<{DocumentId: string}>(
        lost.database.url,
        `SELECT "DocumentId" FROM "LostMasterKeyQuarantine" WHERE "TableName" = 'Feed' LIMIT 1`,
      )
      const reset = (
        await query<{JSON: string}>(lost.database.url, 'SELECT "JSON" FROM "Feed" WHERE "Id" = $1', [DocumentId])
      )[0].JSON
      await query(lost.database.url, 'UPDATE "Feed" SET "JSON" = $2 WHERE "Id" = $1', [
        DocumentId,
        baseline.snapshot.tables.get('Feed')!.get(DocumentId)!.json,
      ])
      expect((await observeTrialState(baseline, files)).kind).to.equal('inconsistent')
      await query(lost.database.url, 'UPDATE "Feed" SET "JSON" = $2 WHERE "Id" = $1', [DocumentId, reset])
    })

    it('rejects committed data whose key the config no longer holds', async () => {
      await writeFile(files.server.configPath, files.server.originalConfig)
      const state = await observeTrialState(baseline, files)
      expect(state.kind === 'inconsistent' && state.problems.join('\n')).to.match(/the config's key/)
    })
  })
})

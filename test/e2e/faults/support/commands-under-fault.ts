import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {readBackSensitive} from '../../../../scripts/seeder/verify-seed.js'
import {decryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG, SERVER_CERTIFICATE_DOCUMENT} from '../../../../src/recovery/catalog/catalog.js'
import type {RestoreReport} from '../../../../src/recovery/restore-quarantined/restore-quarantined.js'
import type {RotateReport} from '../../../../src/recovery/rotate-master-key/rotate-report.js'
import {query} from '../../../support/lost-server.js'
import {runLostMasterKey, runPluginCommand, type CommandRun} from '../../../support/run-command.js'
import {expectHealthy, expectNoTemporaries} from './consistency.js'
import {createFaultServer, type FaultServer, type FaultServerOptions, runArgs} from './fault-server.js'

/**
 * A command other than the reset put under the same faults (docs/recovery.md, "When something fails"): the server it
 * starts from, its arguments, and what "the same command again finishes the job" means for it.
 */
export interface CommandUnderFault {
  readonly id: string
  /** A fresh server in the state the command starts from. */
  create(options: FaultServerOptions): Promise<FaultServer>
  args(target: FaultServer): string[]
  run(target: FaultServer, extra?: string[]): Promise<CommandRun>
  /** The same command again: exit 0, its job done, the server healthy, no temporary file. */
  expectConverges(target: FaultServer): Promise<void>
}

const BATCH = ['--batchSize', '10']

/** `server:rotate-master-key` on a server whose key works; the new key's file is the target's key file. */
export const ROTATION: CommandUnderFault = {
  id: 'server:rotate-master-key',
  create: (options) => createFaultServer({...options, keepMachineKey: true}),
  args: (target) => [
    '--iReallyWantToRotateMyMasterKey',
    '--iHaveBackedUpMyDatabase',
    '--skipBackupCheck',
    ...BATCH,
    '--masterKeyFile',
    target.keyFile,
    ...target.instanceArgs,
  ],
  run: (target, extra = []) => runPluginCommand(ROTATION.id, [...ROTATION.args(target), ...extra], target.server.env),
  async expectConverges(target) {
    const rerun = await ROTATION.run(target, ['--json'])
    expect(rerun.exitCode, `the re-run: ${rerun.message}`).to.equal(0)
    expect((JSON.parse(rerun.stdout) as RotateReport).outcome).to.be.oneOf(['rotated', 'already-done'])
    await expectNoTemporaries(target)
    await expectHealthy(target)
    // Every value the old key encrypted is under the new one now.
    const old = await readBackSensitive(target.server.database.url, target.server.seeded.masterKey)
    for (const {table} of SENSITIVE_CATALOG)
      expect(old.sensitive[table]?.readable ?? 0, `${table}: values the old key still opens`).to.equal(0)
  },
}

/** Where the restore's old key is written for `--oldMasterKeyFile`. */
const oldKeyFile = (target: FaultServer) => path.join(target.server.root, 'old-master-key.txt')

/** `server:restore-quarantined` with the old key, on a lost-key server a reset recovered (its quarantine kept). */
export const RESTORE: CommandUnderFault = {
  id: 'server:restore-quarantined',
  async create(options) {
    const target = await createFaultServer(options)
    const reset = await runLostMasterKey(runArgs(target), target.server.env)
    expect(reset.exitCode, `the reset before the restore: ${reset.message}`).to.equal(0)
    await writeFile(oldKeyFile(target), target.server.seeded.masterKey.toString('base64'), {mode: 0o600})
    return target
  },
  args: (target) => [
    '--oldMasterKeyFile',
    oldKeyFile(target),
    '--iHaveBackedUpMyDatabase',
    '--skipBackupCheck',
    ...BATCH,
    ...target.instanceArgs,
  ],
  run: (target, extra = []) => runPluginCommand(RESTORE.id, [...RESTORE.args(target), ...extra], target.server.env),
  async expectConverges(target) {
    const rerun = await RESTORE.run(target, ['--json'])
    expect(rerun.exitCode, `the re-run: ${rerun.message}`).to.equal(0)
    expect((JSON.parse(rerun.stdout) as RestoreReport).committed).to.equal(true)
    await expectNoTemporaries(target)
    await expectHealthy(target)
    // Every quarantined value the old key opens is back (its row gone); only the witness stays of those.
    const rows = await query<{TableName: string; DocumentId: string; Value: string}>(
      target.server.database.url,
      'SELECT "TableName", "DocumentId", "Value" FROM "LostMasterKeyQuarantine"',
    )
    const restorable = rows.filter(
      (row) =>
        !(row.TableName === SERVER_CERTIFICATE_DOCUMENT.table && row.DocumentId === SERVER_CERTIFICATE_DOCUMENT.id) &&
        decryptSensitiveValue(row.Value, target.server.seeded.masterKey).kind === 'plaintext',
    )
    expect(restorable, 'quarantined values the old key opens, not restored').to.deep.equal([])
  },
}

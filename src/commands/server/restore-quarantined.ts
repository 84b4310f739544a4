import {Flags} from '@oclif/core'

import {exitCodeHelp} from '../../cli/exit-code-help.js'
import {backupCheckOptions, backupFlags} from '../../cli/flag-groups/backup-flags.js'
import {dryRunFlag} from '../../cli/flag-groups/dry-run-flag.js'
import {ignoreLiveNodesFlag} from '../../cli/flag-groups/ignore-live-nodes-flag.js'
import {batchSizeFlag} from '../../cli/flag-groups/batch-size-flag.js'
import {instanceFlags} from '../../cli/flag-groups/instance-flags.js'
import {withKebabAliases} from '../../cli/kebab-aliases.js'
import {ServerCommand} from '../../cli/server-command.js'
import {need} from '../../recovery/run/need.js'
import {type OldKeySource, readOldMasterKey} from '../../recovery/restore/old-key.js'
import {renderRestore, restoreJson} from '../../recovery/restore/render-restore.js'
import {requireBackupConfirmation, type RestoreState, restoreTheValues} from '../../recovery/restore/restore-steps.js'
import {checkTheBackup} from '../../recovery/steps/check-backup.js'
import {checkNoNodeIsRunning} from '../../recovery/steps/check-server-idle.js'
import {openTheServer} from '../../recovery/steps/open-server.js'
import {takeTheLock} from '../../recovery/steps/take-lock.js'
import {chooseRenderer, runSteps} from '../../recovery/run/task-list.js'

const OLD_KEY_FLAGS = ['oldMasterKey', 'oldMasterKeyFile', 'oldConfig']

export default class RestoreQuarantined extends ServerCommand {
  static override summary =
    'Put the values a reset quarantined back, with the old master key, where they are still empty.'

  static override description = `Use this when the master key that server:lost-master-key replaced turns up again.
For one reset run (default: the latest), it first proves the old key on the run's quarantined values (by the old
server certificate, or by enough values that a wrong key could not have opened them by chance): a key that is not
proven writes nothing (exit 12). Then each value goes back, encrypted with the current key, to the element it was
taken from (found by its Id or Name wherever it moved), where the field is still empty and still sensitive. A value
entered again since the reset is never overwritten ("re-entered"); a value the old key cannot open is reported,
never guessed. Refuses while a server node is running (exit 5; --ignoreLiveNodes). One transaction, under the
recovery lock, with the documents it writes locked; restored rows leave LostMasterKeyQuarantine, the others stay; an
audit event records the run.

${exitCodeHelp('server:restore-quarantined')}`

  static override examples = [
    {
      description: 'With the key the reset replaced, kept in a file:',
      command:
        '<%= config.bin %> <%= command.id %> --oldMasterKeyFile=old-master-key.txt --iHaveBackedUpMyDatabase ' +
        '--backupFile=octopus.dump',
    },
    {
      description:
        'With the config kept beside the current one by the reset (on the same machine), for one run, as a dry run:',
      command:
        '<%= config.bin %> <%= command.id %> ' +
        '--oldConfig=/etc/octopus/OctopusServer.config.before-lost-master-key-2024-01-01 --runId=<run> --dryRun',
    },
  ]

  static override flags = withKebabAliases({
    ...instanceFlags,
    oldMasterKey: Flags.string({
      description: 'The old master key (base64), as it was shown.',
      exactlyOne: OLD_KEY_FLAGS,
    }),
    oldMasterKeyFile: Flags.string({
      description:
        'A file holding the old master key (base64); "-" reads it from standard input, which keeps it out of the ' +
        'command line and shell history.',
      exactlyOne: OLD_KEY_FLAGS,
    }),
    oldConfig: Flags.string({
      description:
        'An old config file sealed on this machine (e.g. the *.before-lost-master-key-* copy a reset keeps); its ' +
        'master key is the old key.',
      exactlyOne: OLD_KEY_FLAGS,
    }),
    runId: Flags.string({
      description: 'The reset run whose values to restore (see server:check-master-key). Default: the latest.',
    }),
    ...backupFlags,
    ...dryRunFlag(
      'Works out what would be restored, re-entered and not openable; changes nothing. Needs no confirmation.',
    ),
    ...ignoreLiveNodesFlag,
    ...batchSizeFlag('Quarantined values per batch.'),
  })

  async run(): Promise<ReturnType<typeof restoreJson>> {
    const {flags} = await this.parse(RestoreQuarantined)
    const json = this.jsonEnabled()
    requireBackupConfirmation(flags)
    const source: OldKeySource =
      flags.oldMasterKey === undefined
        ? flags.oldMasterKeyFile === undefined
          ? {kind: 'config', path: flags.oldConfig!}
          : {kind: 'file', path: flags.oldMasterKeyFile}
        : {kind: 'base64', text: flags.oldMasterKey}
    const state: RestoreState = {
      options: {
        instance: flags.instance,
        config: flags.config,
        ...backupCheckOptions(flags),
        dryRun: flags.dryRun,
        runId: flags.runId,
        batchSize: flags.batchSize,
        ignoreLiveNodes: flags.ignoreLiveNodes,
      },
      env: process.env,
      oldKey: await readOldMasterKey(source, process.env),
    }
    try {
      await runSteps([openTheServer, checkTheBackup, takeTheLock, checkNoNodeIsRunning, restoreTheValues], state, {
        renderer: chooseRenderer(json, Boolean(process.stdout.isTTY), process.env),
      })
    } catch (error) {
      throw state.database?.explainFailure(error) ?? error
    } finally {
      // A session the server ended cannot let go of its lock: that must not hide why the restore stopped.
      await state.lock?.release().catch(() => {})
      await state.database?.close().catch(() => {})
    }
    const report = need(state.report, 'the restore')
    if (!json) this.log('\n' + renderRestore(report))
    return restoreJson(report)
  }
}

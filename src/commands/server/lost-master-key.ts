import {ExitCode} from '../../exit-codes.js'
import type {RecoveryReport} from '../../recovery/lost-master-key/recovery-report.js'
import {renderReport} from '../../recovery/lost-master-key/render-report.js'
import {takeBackupEvidence} from '../../cli/backup-evidence-handoff.js'
import {exitCodeHelp} from '../../cli/exit-code-help.js'
import {lostMasterKeyFlags} from '../../cli/lost-master-key-flags.js'
import {lostMasterKeyOptions} from '../../cli/lost-master-key-options.js'
import {ServerCommand} from '../../cli/server-command.js'

export default class LostMasterKey extends ServerCommand {
  static override summary = 'Recover a server whose master key is lost: new key, reset secrets, new certificate.'

  static override description = `Use this when the master key is gone (a dead machine, a lost backup of the key) \
and the server cannot start.
It checks that the key really is lost and that the database was backed up, then, with every change or none:
seals a new master key into the config file, resets every sensitive value that only the old key could read
(keeping the old ciphertexts in a quarantine table), issues a new server certificate, optionally scrubs
personal data, verifies the result and tells you what to do next.

${exitCodeHelp('server:lost-master-key')}`

  static override examples = [
    {
      description: 'The Octopus command, on the default instance:',
      command:
        '<%= config.bin %> <%= command.id %> --instance="OctopusServer" ' +
        '--iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase',
    },
    {
      description: 'See what would be reset, changing nothing:',
      command: '<%= config.bin %> <%= command.id %> --instance="OctopusServer" --dryRun',
    },
    {
      description:
        'PostgreSQL, with the pg_dump archive as backup evidence, keeping the key and the re-entry list in files:',
      command:
        '<%= config.bin %> <%= command.id %> --config=/etc/octopus/OctopusServer.config ' +
        '--iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase --backupFile=octopus.dump ' +
        '--masterKeyFile=new-master-key.txt --reportFile=re-enter.csv',
    },
    {
      description: 'Some values are under old keys: re-encrypt what they open instead of resetting it (salvage):',
      command:
        '<%= config.bin %> <%= command.id %> --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase ' +
        '--candidateKeyFile=old-master-key.txt --candidateConfig=/etc/octopus/OctopusServer.config.old',
    },
    {
      description:
        'A copy of production restored for staging: disable what could reach production, and scrub personal data ' +
        "(when production's nodes look live in a fresh copy, check that no server runs on it, then add " +
        '--ignoreLiveNodes):',
      command:
        '<%= config.bin %> <%= command.id %> --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase ' +
        '--isolateCopy --scrubPii',
    },
    {
      description: 'An older database: upgrade it and scrub personal data in the same run:',
      command:
        '<%= config.bin %> <%= command.id %> --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase ' +
        '--upgradeDatabase --scrubPii',
    },
  ]

  static override flags = lostMasterKeyFlags

  async run(): Promise<RecoveryReport> {
    // Before parse, which replaces this.argv with a copy: the array oclif gave the prerun hook is the key.
    const backup = takeBackupEvidence(this.argv)
    const {flags} = await this.parse(LostMasterKey)
    const json = this.jsonEnabled()
    const [{runLostMasterKey}, {chooseRenderer}] = await Promise.all([
      import('../../recovery/lost-master-key/run.js'),
      import('../../recovery/flow/task-list.js'),
    ])
    const report = await runLostMasterKey(lostMasterKeyOptions(flags, json), {
      env: process.env,
      renderer: chooseRenderer(json, Boolean(process.stdout.isTTY), process.env),
      backup,
    })
    if (!json) this.log('\n' + renderReport(report))
    if (report.problem) process.exitCode = ExitCode.Internal
    return report
  }
}

import {Command, Errors} from '@oclif/core'
import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {takeBackupEvidence} from '../../recovery/backup-evidence-handoff.js'
import {missingConfirmationError, missingConfirmations} from '../../recovery/confirmations.js'
import type {RecoveryReport} from '../../recovery/report/recovery-report.js'
import {renderReport} from '../../recovery/report/render-report.js'
import {runLostMasterKey} from '../../recovery/run-lost-master-key.js'
import {chooseRenderer} from '../../recovery/task-list.js'
import {lostMasterKeyFlags} from '../../cli/lost-master-key-flags.js'

export default class LostMasterKey extends Command {
  static override summary = 'Recover a server whose master key is lost: new key, reset secrets, new certificate.'

  static override description = `Use this when the master key is gone (a dead machine, a lost backup of the key) and the server cannot start.
It checks that the key really is lost and that the database was backed up, then, with every change or none:
seals a new master key into the config file, resets every sensitive value that only the old key could read
(keeping the old ciphertexts in a quarantine table), issues a new server certificate, optionally scrubs
personal data, verifies the result and tells you what to do next.

Exit codes: 0 done (or dry run) · 1 internal error · 2 invalid usage · 3 not confirmed (a confirmation flag or the
backup evidence is missing) · 4 the current master key still works · 5 server busy (a live node, or another recovery
holds the lock) · 6 schema or licence · 7 instance, config or database not found or unreachable · 8 failed while
changing, everything rolled back · 130 interrupted, everything rolled back.`

  static override examples = [
    {
      description: 'The Octopus command, on the default instance:',
      command: '<%= config.bin %> <%= command.id %> --instance="OctopusServer" --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase',
    },
    {
      description: 'See what would be reset, changing nothing:',
      command: '<%= config.bin %> <%= command.id %> --instance="OctopusServer" --dry-run',
    },
    {
      description: 'PostgreSQL, with the pg_dump archive as backup evidence, keeping the key and the re-entry list in files:',
      command:
        '<%= config.bin %> <%= command.id %> --config=/etc/octopus/OctopusServer.config --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase --backupFile=octopus.dump --masterKeyFile=new-master-key.txt --reportFile=re-enter.csv',
    },
    {
      description: 'An older database: upgrade it and scrub personal data in the same run:',
      command: '<%= config.bin %> <%= command.id %> --iReallyWantToResetAllMySensitiveData --iHaveBackedUpMyDatabase --upgradeDatabase --scrubPii',
    },
  ]

  static override enableJsonFlag = true

  static override flags = lostMasterKeyFlags

  async run(): Promise<RecoveryReport> {
    const {flags} = await this.parse(LostMasterKey)
    const missing = missingConfirmations(flags)
    if (missing.length > 0) throw missingConfirmationError(missing)
    const json = this.jsonEnabled()
    const report = await runLostMasterKey(
      {
        instance: flags.instance,
        config: flags.config,
        upgradeDatabase: flags.upgradeDatabase,
        skipCurrentMasterKeyTest: flags.skipCurrentMasterKeyTest,
        scrubPii: flags.scrubPii,
        skipLicenseCheck: flags.skipLicenseCheck,
        dryRun: flags['dry-run'],
        quarantine: flags.quarantine,
        ignoreLiveNodes: flags.ignoreLiveNodes,
        backupFile: flags.backupFile,
        maxBackupAgeHours: flags.maxBackupAge,
        skipBackupCheck: flags.skipBackupCheck,
        masterKeyFile: flags.masterKeyFile,
        reportFile: flags.reportFile,
        showMasterKey: flags.showMasterKey,
        json,
        batchSize: flags.batchSize,
      },
      {env: process.env, renderer: chooseRenderer(json, Boolean(process.stdout.isTTY), process.env), backup: takeBackupEvidence()},
    )
    if (!json) this.log('\n' + renderReport(report))
    if (report.problem) process.exitCode = ExitCode.Internal
    return report
  }

  protected override async catch(error: Error): Promise<unknown> {
    const oclifError = toOclifError(error)
    // In oclif 4 a --json error exits 1 whatever its code, unless the exit code is set here.
    process.exitCode = oclifError.oclif.exit
    return super.catch(oclifError)
  }
}

/** Our errors keep their exit code and suggestions; oclif's own (flag parsing) exit 2; anything else is internal (exit 1). */
function toOclifError(error: Error): Errors.CLIError {
  if (error instanceof RecoveryError) {
    return new Errors.CLIError(error.message, {exit: error.exitCode, suggestions: error.suggestions, code: `EXIT_${error.exitCode}`})
  }
  if (error instanceof Errors.CLIError) return error
  return new Errors.CLIError(error.message, {exit: ExitCode.Internal, code: 'EXIT_1'})
}

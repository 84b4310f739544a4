import {exitCodeHelp} from '../../cli/exit-code-help.js'
import {rotateMasterKeyFlags} from '../../cli/rotate-master-key-flags.js'
import {rotateMasterKeyOptions} from '../../cli/rotate-master-key-options.js'
import {ServerCommand} from '../../cli/server-command.js'
import {ExitCode} from '../../exit-codes.js'
import {renderRotateReport} from '../../recovery/rotate-master-key/render-rotate-report.js'
import type {RotateReport} from '../../recovery/rotate-master-key/rotate-report.js'

export default class RotateMasterKey extends ServerCommand {
  static override summary = 'Replace a master key that still works: every value is encrypted again under a new key.'

  static override description = `Use this when the key works but must change: a leak, a departure, policy.
It proves the current key on the database, then, with every change or none: encrypts every value the key opens
again under the new key (the server certificate too: the same certificate, so Tentacles keep trusting it), seals
the new key into the config file (keeping the previous config) and into a file of its own, and records an audit
event. Attachments on disk are encrypted again afterwards, their originals kept aside. Values the current key
cannot open are refused (exit 10) unless --resetUnreadable. Every server node must be stopped.

${exitCodeHelp('server:rotate-master-key')}`

  static override examples = [
    {
      description: 'The Octopus command, on the default instance, with a generated key:',
      command:
        '<%= config.bin %> <%= command.id %> --instance="OctopusServer" ' +
        '--iReallyWantToRotateMyMasterKey --iHaveBackedUpMyDatabase',
    },
    {
      description: 'A key of your choosing, read from standard input so it stays out of the shell history:',
      command:
        'cat new.key | <%= config.bin %> <%= command.id %> --iReallyWantToRotateMyMasterKey ' +
        '--iHaveBackedUpMyDatabase --masterKeyFrom=-',
    },
    {
      description: 'See what would be re-encrypted, changing nothing:',
      command: '<%= config.bin %> <%= command.id %> --dryRun',
    },
  ]

  static override flags = rotateMasterKeyFlags

  async run(): Promise<RotateReport> {
    const {flags} = await this.parse(RotateMasterKey)
    const json = this.jsonEnabled()
    const options = await rotateMasterKeyOptions(flags, json)
    const [{runRotateMasterKey}, {chooseRenderer}] = await Promise.all([
      import('../../recovery/rotate-master-key/run.js'),
      import('../../recovery/flow/task-list.js'),
    ])
    const report = await runRotateMasterKey(options, {
      env: process.env,
      renderer: chooseRenderer(json, Boolean(process.stdout.isTTY), process.env),
    })
    if (!json) this.log('\n' + renderRotateReport(report))
    if (report.problem) process.exitCode = ExitCode.Internal
    return report
  }
}

import {exitCodeHelp} from '../../cli/exit-code-help.js'
import {batchSizeFlag} from '../../cli/flag-groups/batch-size-flag.js'
import {instanceFlags} from '../../cli/flag-groups/instance-flags.js'
import {withKebabAliases} from '../../cli/kebab-aliases.js'
import {ServerCommand} from '../../cli/server-command.js'
import type {CheckState} from '../../recovery/check-master-key/check-steps.js'
import {checkJson, renderCheck} from '../../recovery/check-master-key/render-check.js'
import type {ServerState} from '../../recovery/flow/open-the-server.js'

export default class CheckMasterKey extends ServerCommand {
  static override summary =
    'Check, read-only, that the master key opens the server certificate and every encrypted value.'

  static override description =
    `Safe to run from monitoring, against a running server: it writes nothing and takes ` +
    `no lock.
It unseals the current master key (or takes MASTER_KEY), tests it on the server certificate, and reads every
encrypted value of the catalog: per table, how many it opens, how many it cannot (with the first few document
Ids and paths), how many are empty or not encrypted. It also lists the quarantined values waiting per run, by what
kept them (a reset, a salvage, a rotation), the live server nodes and the schema status.

${exitCodeHelp('server:check-master-key')}`

  static override examples = [
    {description: 'The default instance:', command: '<%= config.bin %> <%= command.id %>'},
    {
      description: 'As data, for monitoring:',
      command: '<%= config.bin %> <%= command.id %> --config=/etc/octopus/OctopusServer.config --json',
    },
  ]

  static override flags = withKebabAliases({
    ...instanceFlags,
    ...batchSizeFlag(),
  })

  async run(): Promise<ReturnType<typeof checkJson>> {
    const {flags} = await this.parse(CheckMasterKey)
    const json = this.jsonEnabled()
    const [{runCheckMasterKey}, {chooseRenderer}] = await Promise.all([
      import('../../recovery/check-master-key/run.js'),
      import('../../recovery/flow/task-list.js'),
    ])
    const state: CheckState & ServerState = {
      options: {instance: flags.instance, config: flags.config},
      env: process.env,
      batchSize: flags.batchSize,
    }
    const {report, keySource} = await runCheckMasterKey(
      state,
      chooseRenderer(json, Boolean(process.stdout.isTTY), process.env),
    )
    if (!json) this.log('\n' + renderCheck(report, keySource))
    process.exitCode = report.verdict.exitCode
    return checkJson(report, keySource)
  }
}

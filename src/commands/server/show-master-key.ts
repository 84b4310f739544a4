import {Flags} from '@oclif/core'

import {exitCodeHelp} from '../../cli/exit-code-help.js'
import {instanceFlags, instanceSelection} from '../../cli/flag-groups/instance-flags.js'
import {withKebabAliases} from '../../cli/kebab-aliases.js'
import {ServerCommand} from '../../cli/server-command.js'
import type {showJson} from '../../recovery/show-master-key/render-show.js'

export default class ShowMasterKey extends ServerCommand {
  static override summary = 'Print the master key, so that it can be backed up, and whether it opens the database.'

  static override description = `Unseals the key the server uses (MASTER_KEY when set, else the config's, with the
machine key source or DPAPI that sealed it) and prints it with its source. When the database can be reached, the key
is also tested on it as the reset tests a key (the server certificate, else a sample of encrypted values), so you know
the key you back up opens this server's data; a database that cannot be reached is reported and the key still shown.
Writes nothing and takes no lock. This is the one command that prints a key unasked: keep its output out of logs.

${exitCodeHelp('server:show-master-key')}`

  static override examples = [
    {description: 'The default instance:', command: '<%= config.bin %> <%= command.id %>'},
    {
      description: 'As JSON, for a script that stores the key in a vault:',
      command: '<%= config.bin %> <%= command.id %> --instance=OctopusServer --format=json',
    },
  ]

  static override flags = withKebabAliases({
    ...instanceFlags,
    format: Flags.option({
      options: ['text', 'json'] as const,
      default: 'text' as const,
      description:
        'The format of the output, as Octopus Server takes it. json is the data --json gives; errors come as JSON ' +
        'only with --json.',
    })(),
  })

  async run(): Promise<ReturnType<typeof showJson>> {
    const {flags} = await this.parse(ShowMasterKey)
    const json = this.jsonEnabled() || flags.format === 'json'
    const [render, {runShowMasterKey}, {chooseRenderer}] = await Promise.all([
      import('../../recovery/show-master-key/render-show.js'),
      import('../../recovery/show-master-key/run.js'),
      import('../../recovery/flow/task-list.js'),
    ])
    const shown = await runShowMasterKey(
      instanceSelection(flags),
      process.env,
      chooseRenderer(json, Boolean(process.stdout.isTTY), process.env),
    )
    const data = render.showJson(shown)
    // --json prints what run() returns; --format json alone prints it here.
    if (!this.jsonEnabled()) this.log(json ? JSON.stringify(data, null, 2) : '\n' + render.renderShow(shown))
    return data
  }
}

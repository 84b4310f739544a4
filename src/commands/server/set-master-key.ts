import {Flags} from '@oclif/core'

import {exitCodeHelp} from '../../cli/exit-code-help.js'
import {instanceFlags} from '../../cli/flag-groups/instance-flags.js'
import {givenKeySource, masterKeyInputFlags} from '../../cli/flag-groups/master-key-input-flags.js'
import {sealWithFlag} from '../../cli/flag-groups/seal-with-flag.js'
import {withKebabAliases} from '../../cli/kebab-aliases.js'
import {ServerCommand} from '../../cli/server-command.js'
import {describeGivenKeySource, readGivenMasterKey} from '../../recovery/key-input/given-master-key.js'
import {need} from '../../recovery/flow/need.js'
import type {setJson} from '../../recovery/set-master-key/render-set.js'

export default class SetMasterKey extends ServerCommand {
  static override summary = "Seal a master key into this node's config file; no data changes."

  static override description = `For the other nodes of a cluster after a rotation or a reset, and for a config copied
from a dead machine when the key itself was backed up (server:show-master-key): no reset needed. Unlike Octopus
Server, the key must first be proven on the database (it opens the server certificate, else enough encrypted values),
so a mistyped key cannot take a node down; --skipDatabaseCheck for a node that cannot reach the database. The key is
sealed as the reset seals its new one (--sealWith), the previous config is kept beside it (mode 0600), and a key the
config already holds is left as it is. Errors never show the key.

${exitCodeHelp('server:set-master-key')}`

  static override examples = [
    {
      description: 'From a file holding the key (base64), or from standard input:',
      command: '<%= config.bin %> <%= command.id %> --instance=OctopusServer --masterKeyFrom=/root/master-key.txt',
    },
    {
      description: 'As Octopus Server takes it (the key is then visible in the process list):',
      command: '<%= config.bin %> <%= command.id %> --config=/etc/octopus/OctopusServer.config --masterKey=<key>',
    },
  ]

  static override flags = withKebabAliases({
    ...instanceFlags,
    ...masterKeyInputFlags('The master key to seal into the config', true),
    ...sealWithFlag,
    skipDatabaseCheck: Flags.boolean({
      description:
        'Seals the key without proving it on the database, for a node that cannot reach it. Risk: a wrong key ' +
        'keeps the server from starting.',
    }),
  })

  async run(): Promise<ReturnType<typeof setJson>> {
    const {flags} = await this.parse(SetMasterKey)
    const json = this.jsonEnabled()
    const [{chooseRenderer}, render, {runSetMasterKey}] = await Promise.all([
      import('../../recovery/flow/task-list.js'),
      import('../../recovery/set-master-key/render-set.js'),
      import('../../recovery/set-master-key/run.js'),
    ])
    const source = need(givenKeySource(flags), 'the key flag')
    const result = await runSetMasterKey(
      {
        instance: flags.instance,
        config: flags.config,
        sealWith: flags.sealWith,
        skipDatabaseCheck: flags.skipDatabaseCheck,
      },
      await readGivenMasterKey(source),
      describeGivenKeySource(source),
      process.env,
      chooseRenderer(json, Boolean(process.stdout.isTTY), process.env),
    )
    if (!json) this.log('\n' + render.renderSet(result))
    return render.setJson(result)
  }
}

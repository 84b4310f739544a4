import {Flags} from '@oclif/core'
import {expect} from 'chai'

import {kebabCase, withKebabAliases} from '../../../src/cli/kebab-aliases.js'
import {lostMasterKeyFlags} from '../../../src/cli/lost-master-key-flags.js'

describe('kebab-case aliases', () => {
  it('spell a camelCase name in kebab-case, and leave a one-word name alone', () => {
    expect(kebabCase('iReallyWantToResetAllMySensitiveData')).to.equal('i-really-want-to-reset-all-my-sensitive-data')
    expect(kebabCase('dryRun')).to.equal('dry-run')
    expect(kebabCase('scrubPii')).to.equal('scrub-pii')
    expect(kebabCase('instance')).to.equal('instance')
  })

  it('are added to each multi-word flag once, and named once in its description', () => {
    const flags = withKebabAliases({
      maxAge: Flags.integer({description: 'How old.'}),
      named: Flags.boolean({description: 'Already aliased. Also --named.', aliases: ['other']}),
      bareFlag: Flags.boolean({}),
      twice: Flags.boolean({description: 'Said.'}),
    })
    expect(flags.maxAge.aliases).to.deep.equal(['max-age'])
    expect(flags.maxAge.description).to.equal('How old. Also --max-age.')
    expect(flags.named.aliases).to.deep.equal(['other'])
    expect(flags.named.description).to.equal('Already aliased. Also --named.')
    expect(flags.bareFlag.description).to.equal('Also --bare-flag.')
    const again = withKebabAliases(withKebabAliases({twoWords: Flags.boolean({description: 'Said.'})}))
    expect(again.twoWords.aliases).to.deep.equal(['two-words'])
    expect(again.twoWords.description).to.equal('Said. Also --two-words.')
  })

  it('cover every flag of server:lost-master-key, including --dryRun (alias --dry-run)', () => {
    for (const [name, flag] of Object.entries(lostMasterKeyFlags)) {
      const alias = kebabCase(name)
      if (alias === name) continue
      expect(flag.aliases, name).to.include(alias)
      if (!flag.hidden) expect(flag.description, name).to.include(`Also --${alias}.`)
    }
    expect(lostMasterKeyFlags.dryRun.aliases).to.deep.equal(['dry-run'])
  })
})

import {expect} from 'chai'

import {exitCodeHelp} from '../../../src/cli/exit-code-help.js'
import {EXIT_CODES, ExitCode, exitCodesOf} from '../../../src/exit-codes.js'
import LostMasterKey from '../../../src/commands/server/lost-master-key.js'

describe('exit codes, each worded once', () => {
  it('have distinct codes and names, and ExitCode names each', () => {
    expect(new Set(EXIT_CODES.map((e) => e.code)).size).to.equal(EXIT_CODES.length)
    expect(new Set(EXIT_CODES.map((e) => e.name)).size).to.equal(EXIT_CODES.length)
    for (const {name, code} of EXIT_CODES) expect(ExitCode[name], name).to.equal(code)
    expect(ExitCode.NotConfirmed).to.equal(3)
    expect(ExitCode.Interrupted).to.equal(130)
  })

  it("are listed in server:lost-master-key's help in the table's words, without check-master-key's own", () => {
    const help = exitCodeHelp('server:lost-master-key')
    expect(LostMasterKey.description).to.include(help)
    const codes = exitCodesOf('server:lost-master-key').map((e) => e.code)
    expect(codes).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 130])
    for (const {code, meaning} of exitCodesOf('server:lost-master-key')) expect(help).to.include(`${code} ${meaning}`)
    expect(exitCodesOf('server:check-master-key').map((e) => e.code)).to.include.members([10, 11])
  })

  it('give show-master-key 11 (no key to show), set-master-key 12 (the key does not open), in their help', async () => {
    const {default: ShowMasterKey} = await import('../../../src/commands/server/show-master-key.js')
    const {default: SetMasterKey} = await import('../../../src/commands/server/set-master-key.js')
    expect(exitCodesOf('server:show-master-key').map((e) => e.code)).to.deep.equal([0, 1, 2, 6, 7, 11])
    expect(exitCodesOf('server:set-master-key').map((e) => e.code)).to.deep.equal([0, 1, 2, 6, 7, 12])
    expect(ShowMasterKey.description).to.include(exitCodeHelp('server:show-master-key'))
    expect(SetMasterKey.description).to.include(exitCodeHelp('server:set-master-key'))
  })
})

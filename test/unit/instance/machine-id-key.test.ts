import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {machineIdPath, readMachineIdKey} from '../../../src/instance/machine-id-key.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {makeTempFolder, rejectionOf} from './support/temp-folder.js'

const MACHINE_ID = '0123456789abcdef0123456789abcdef'

describe('machine id key source', () => {
  let folder: string
  let idPath: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ;({path: folder, cleanup} = await makeTempFolder())
    idPath = path.join(folder, 'machine-id')
  })

  afterEach(() => cleanup())

  it('is /etc/machine-id unless OCTOPUS_MACHINE_ID_FILE says otherwise', () => {
    expect(machineIdPath({})).to.equal('/etc/machine-id')
    expect(machineIdPath({OCTOPUS_MACHINE_ID_FILE: '/tmp/id'})).to.equal('/tmp/id')
  })

  for (const [ending, content] of [
    ['a newline', `${MACHINE_ID}\n`],
    ['CRLF', `${MACHINE_ID}\r\nmore\n`],
    ['nothing', MACHINE_ID],
  ]) {
    it(
      `uses the 32 ASCII characters of the first line (ending in ${ending}) as the key and 743677397A244326 as the ` +
        `IV`,
      async () => {
        await fs.writeFile(idPath, content)
        expect(await readMachineIdKey(idPath)).to.deep.equal({
          kind: 'key',
          key: Buffer.from(MACHINE_ID, 'ascii'),
          iv: Buffer.from('743677397A244326', 'ascii'),
        })
      },
    )
  }

  const unusable: Array<[string, string]> = [
    ['31 characters', `${MACHINE_ID.slice(1)}\n`],
    ['33 characters', `${MACHINE_ID}0\n`],
    ['an empty first line', `\n${MACHINE_ID}\n`],
    ['32 characters that are not ASCII', `${MACHINE_ID.slice(2)}é\n`],
  ]
  for (const [what, content] of unusable) {
    it(`does not apply (the next source is tried) when the first line has ${what}`, async () => {
      await fs.writeFile(idPath, content)
      expect(await readMachineIdKey(idPath)).to.deep.equal({
        kind: 'absent',
        reason: `${idPath} does not start with a 32-character machine id`,
      })
    })
  }

  it('does not apply when the file does not exist', async () => {
    expect(await readMachineIdKey(idPath)).to.deep.equal({kind: 'absent', reason: `${idPath} does not exist`})
  })

  it('is an error, not "absent", when it cannot be read', async () => {
    await fs.mkdir(idPath)
    const error = (await rejectionOf(readMachineIdKey(idPath))) as RecoveryError
    expect(error).to.be.instanceOf(RecoveryError)
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.contain(`The machine id ${idPath} cannot be read`)
    expect(error.suggestions.join(' ')).to.contain('OCTOPUS_MACHINE_ID_FILE')
  })
})

import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {type FileOps, nodeFileOps} from '../../../src/files/file-ops.js'
import {
  formatMachineKey,
  machineKeyPath,
  readMachineKey,
  readOrCreateMachineKey,
} from '../../../src/instance/machine-key.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {folderEntries, makeTempFolder, rejectionOf} from './support/temp-folder.js'

describe('machine key', () => {
  let folder: string
  let keyPath: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ;({path: folder, cleanup} = await makeTempFolder())
    keyPath = path.join(folder, 'etc', 'octopus', 'machinekey')
  })

  afterEach(() => cleanup())

  it('is /etc/octopus/machinekey unless OCTOPUS_MACHINE_KEY_FILE says otherwise', () => {
    expect(machineKeyPath({})).to.equal('/etc/octopus/machinekey')
    expect(machineKeyPath({OCTOPUS_MACHINE_KEY_FILE: '/tmp/key'})).to.equal('/tmp/key')
  })

  it('is absent (undefined) when the file does not exist', async () => {
    expect(await readMachineKey(keyPath)).to.equal(undefined)
  })

  it(
    'is created on first need: base64(32 random bytes).base64(16 random bytes), mode 0600, parent folders ' + 'made',
    async () => {
      const {created, ...key} = await readOrCreateMachineKey(keyPath)

      expect(created).to.equal(true)
      expect(key.key).to.have.length(32)
      expect(key.iv).to.have.length(16)
      expect(await fs.readFile(keyPath, 'utf8')).to.equal(`${key.key.toString('base64')}.${key.iv.toString('base64')}`)
      expect((await fs.stat(keyPath)).mode & 0o777).to.equal(0o600)
      expect(await readMachineKey(keyPath)).to.deep.equal(key)
      expect(await folderEntries(path.dirname(keyPath))).to.deep.equal(['machinekey'])
    },
  )

  it('is reused once it exists', async () => {
    const first = await readOrCreateMachineKey(keyPath)
    expect(await readOrCreateMachineKey(keyPath)).to.deep.equal({...first, created: false})
  })

  it('uses the key another process created meanwhile rather than replacing it', async () => {
    const theirs = {key: Buffer.alloc(32, 7), iv: Buffer.alloc(16, 8)}
    const ops: FileOps = {
      ...nodeFileOps,
      async link(existing, newPath) {
        await fs.writeFile(newPath, formatMachineKey(theirs))
        return nodeFileOps.link(existing, newPath)
      },
    }
    expect(await readOrCreateMachineKey(keyPath, {ops})).to.deep.equal({...theirs, created: false})
    expect(await folderEntries(path.dirname(keyPath))).to.deep.equal(['machinekey'])
  })

  it('is given to the owner asked for (needs root: chown)', async function () {
    if (process.getuid?.() !== 0) this.skip()
    await readOrCreateMachineKey(keyPath, {owner: {uid: 4321, gid: 4322}})
    const {uid, gid} = await fs.stat(keyPath)
    expect({uid, gid}).to.deep.equal({uid: 4321, gid: 4322})
  })

  it('never appears half-written when writing it fails', async () => {
    const ops: FileOps = {
      ...nodeFileOps,
      async createExclusive(file, mode) {
        const real = await nodeFileOps.createExclusive(file, mode)
        return {
          ...real,
          async write(data) {
            await real.write(data.subarray(0, 10))
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
          },
        }
      },
    }
    const error = (await rejectionOf(readOrCreateMachineKey(keyPath, {ops}))) as RecoveryError
    expect(error).to.be.instanceOf(RecoveryError)
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.contain(`Could not create the machine key ${keyPath}: writing the temporary file`)
    expect(await folderEntries(path.dirname(keyPath))).to.deep.equal([])
  })

  it('cannot be created under a file standing where its folder should be', async () => {
    await fs.writeFile(path.join(folder, 'etc'), 'a file, not a folder')
    const error = (await rejectionOf(readOrCreateMachineKey(keyPath))) as RecoveryError
    expect(error).to.be.instanceOf(RecoveryError)
    expect(error.message).to.equal(
      `Could not create the machine key ${keyPath}: ENOTDIR: not a directory, mkdir '${path.dirname(keyPath)}'.`,
    )
    expect(error.suggestions.join(' ')).to.contain('OCTOPUS_MACHINE_KEY_FILE')
  })

  const damaged: Array<[string, string]> = [
    ['not base64', 'this is not a key!.also not an IV'],
    ['a key without an IV (the old 32-byte format)', Buffer.alloc(32).toString('base64')],
    ['a key of the wrong length', `${Buffer.alloc(16).toString('base64')}.${Buffer.alloc(16).toString('base64')}`],
    ['an IV of the wrong length', `${Buffer.alloc(32).toString('base64')}.${Buffer.alloc(12).toString('base64')}`],
    ['three parts', `${Buffer.alloc(32).toString('base64')}.${Buffer.alloc(16).toString('base64')}.`],
    ['empty', ''],
  ]
  for (const [problem, content] of damaged) {
    it(`is refused, never replaced, when the file is ${problem}`, async () => {
      await fs.mkdir(path.dirname(keyPath), {recursive: true})
      await fs.writeFile(keyPath, content)

      for (const attempt of [() => readMachineKey(keyPath), () => readOrCreateMachineKey(keyPath)]) {
        const error = (await rejectionOf(attempt())) as RecoveryError
        expect(error).to.be.instanceOf(RecoveryError)
        expect(error.exitCode).to.equal(ExitCode.NotFound)
        expect(error.message).to.equal(
          `The machine key ${keyPath} is damaged: it does not hold base64(32-byte key).base64(16-byte IV).`,
        )
      }

      expect(await fs.readFile(keyPath, 'utf8')).to.equal(content)
    })
  }

  it('accepts a key file with a trailing newline', async () => {
    const key = {key: Buffer.alloc(32, 3), iv: Buffer.alloc(16, 4)}
    await fs.mkdir(path.dirname(keyPath), {recursive: true})
    await fs.writeFile(keyPath, `${formatMachineKey(key)}\r\n`)
    expect(await readMachineKey(keyPath)).to.deep.equal(key)
  })

  it('is an error, not "absent", when it cannot be read', async () => {
    await fs.mkdir(keyPath, {recursive: true})
    const error = (await rejectionOf(readMachineKey(keyPath))) as RecoveryError
    expect(error).to.be.instanceOf(RecoveryError)
    expect(error.message).to.contain(`The machine key ${keyPath} cannot be read`)
  })
})

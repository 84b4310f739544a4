import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {restoreConfigFile, withSetting, writeConfigFileAtomic} from '../../../src/instance/config-file.js'
import {CONFIG_WRITERS, keptCopyStamp} from '../../../src/instance/config-file-write.js'
import {type FileOps, nodeFileOps} from '../../../src/files/file-ops.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {folderEntries, makeTempFolder, readFixture, rejectionOf} from './support/temp-folder.js'

const COPY_NAME = /^octopus\.config\.before-lost-master-key-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), {code})
}

async function modeOf(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o777
}

describe('writeConfigFileAtomic and restoreConfigFile', () => {
  let folder: string
  let configPath: string
  let original: Buffer
  let newText: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ;({path: folder, cleanup} = await makeTempFolder())
    configPath = path.join(folder, 'octopus.config')
    original = await readFixture('windows-bom-crlf.config')
    await fs.writeFile(configPath, original, {mode: 0o644})
    newText = withSetting(original.toString('utf8'), SettingKey.MasterKey, 'bmV3LXNlYWxlZC1rZXk=')
  })

  afterEach(() => cleanup())

  /** Asserts the config file still holds its original bytes and nothing else is left in the folder. */
  async function expectUntouched(): Promise<void> {
    expect((await fs.readFile(configPath)).equals(original)).to.equal(true)
    expect(await folderEntries(folder)).to.deep.equal(['octopus.config'])
  }

  async function writeFailure(ops: FileOps): Promise<RecoveryError> {
    const error = await rejectionOf(writeConfigFileAtomic(configPath, newText, 'lost-master-key', ops))
    expect(error).to.be.instanceOf(RecoveryError)
    expect((error as RecoveryError).exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.contain(`Could not write the config file ${configPath}: `)
    return error as RecoveryError
  }

  it('replaces the file, keeps a 0600 copy of the old bytes beside it, and leaves the file 0600', async () => {
    const {previousCopyPath} = await writeConfigFileAtomic(configPath, newText, 'lost-master-key')

    expect(path.dirname(previousCopyPath)).to.equal(folder)
    expect(path.basename(previousCopyPath)).to.match(COPY_NAME)
    expect(await fs.readFile(configPath, 'utf8')).to.equal(newText)
    expect((await fs.readFile(previousCopyPath)).equals(original)).to.equal(true)
    expect(await modeOf(configPath)).to.equal(0o600)
    expect(await modeOf(previousCopyPath)).to.equal(0o600)
    expect(await folderEntries(folder)).to.deep.equal(['octopus.config', path.basename(previousCopyPath)])
  })

  it('writes the text byte for byte, byte order mark included', async () => {
    await writeConfigFileAtomic(configPath, newText, 'lost-master-key')
    const written = await fs.readFile(configPath)
    expect(written.subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]))
    expect(written.equals(Buffer.from(newText, 'utf8'))).to.equal(true)
  })

  it('never overwrites an earlier copy made in the same millisecond', async () => {
    const now = new Date('2030-01-02T03:04:05.678Z')
    const first = await writeConfigFileAtomic(configPath, newText, 'lost-master-key', nodeFileOps, now)
    const second = await writeConfigFileAtomic(configPath, `${newText}\r\n`, 'lost-master-key', nodeFileOps, now)

    expect(path.basename(first.previousCopyPath)).to.equal(
      'octopus.config.before-lost-master-key-2030-01-02T03-04-05-678Z',
    )
    expect(second.previousCopyPath).to.equal(`${first.previousCopyPath}-1`)
    expect((await fs.readFile(first.previousCopyPath)).equals(original)).to.equal(true)
    expect(await fs.readFile(second.previousCopyPath, 'utf8')).to.equal(newText)
  })

  it('names the kept copy for the command that made it, and reads its time back from any of them', async () => {
    const now = new Date('2030-01-02T03:04:05.678Z')
    for (const madeBy of CONFIG_WRITERS) {
      const {previousCopyPath} = await writeConfigFileAtomic(configPath, newText, madeBy, nodeFileOps, now)
      const name = path.basename(previousCopyPath)
      expect(name).to.equal(`octopus.config.before-${madeBy}-2030-01-02T03-04-05-678Z`)
      expect(keptCopyStamp('octopus.config', name)).to.equal('2030-01-02T03-04-05-678Z')
    }
    expect(keptCopyStamp('octopus.config', 'octopus.config.before-something-else-2030')).to.equal(undefined)
  })

  it('replaces the file a symbolic link points to, and keeps the link', async () => {
    const link = path.join(folder, 'link.config')
    await fs.symlink(configPath, link)

    const {previousCopyPath} = await writeConfigFileAtomic(link, newText, 'lost-master-key')
    expect((await fs.lstat(link)).isSymbolicLink()).to.equal(true)
    expect(await fs.readFile(configPath, 'utf8')).to.equal(newText)
    expect(path.basename(previousCopyPath)).to.match(COPY_NAME)

    await restoreConfigFile(link, previousCopyPath)
    expect((await fs.lstat(link)).isSymbolicLink()).to.equal(true)
    expect((await fs.readFile(configPath)).equals(original)).to.equal(true)
    expect(await folderEntries(folder)).to.deep.equal(['link.config', 'octopus.config'])
  })

  it('keeps the owner of the file, so the server account can still read it (needs root: chown)', async function () {
    if (process.getuid?.() !== 0) this.skip()
    await fs.chown(configPath, 4321, 4322)

    await writeConfigFileAtomic(configPath, newText, 'lost-master-key')
    const {uid, gid} = await fs.stat(configPath)
    expect({uid, gid}).to.deep.equal({uid: 4321, gid: 4322})
  })

  it('leaves the old file byte-identical and no temporary file when the rename fails', async () => {
    const ops: FileOps = {
      ...nodeFileOps,
      rename: async (from) => {
        throw systemError('EXDEV', `cross-device link not permitted, rename '${from}'`)
      },
    }
    const error = await writeFailure(ops)
    expect(error.message).to.match(/renaming .*\.tmp over .*octopus\.config failed: EXDEV/)
    expect(error.message).to.match(/The config file is unchanged\.$/)
    await expectUntouched()
  })

  it('leaves the old file byte-identical and removes the temporary file when a write fails halfway', async () => {
    const newBytes = Buffer.from(newText, 'utf8')
    const halfWritten: string[] = []
    const ops: FileOps = {
      ...nodeFileOps,
      async createExclusive(file, mode) {
        const real = await nodeFileOps.createExclusive(file, mode)
        return {
          ...real,
          async write(data) {
            if (!Buffer.from(data).equals(newBytes)) return real.write(data)
            await real.write(data.subarray(0, data.length >> 1))
            halfWritten.push(file)
            expect((await fs.stat(file)).size).to.equal(data.length >> 1)
            throw systemError('ENOSPC', 'no space left on device, write')
          },
        }
      },
    }
    const error = await writeFailure(ops)
    expect(halfWritten).to.have.length(1)
    expect(error.message).to.contain(`writing the temporary file ${halfWritten[0]} failed: ENOSPC`)
    await expectUntouched()
  })

  it('leaves the old file byte-identical when flushing the temporary file fails', async () => {
    const ops: FileOps = {
      ...nodeFileOps,
      async createExclusive(file, mode) {
        const real = await nodeFileOps.createExclusive(file, mode)
        return {...real, sync: () => Promise.reject(systemError('EIO', 'i/o error, fsync'))}
      },
    }
    const error = await writeFailure(ops)
    expect(error.message).to.contain('flushing the temporary file')
    await expectUntouched()
  })

  it('puts the old bytes back when flushing the folder fails after the rename', async () => {
    let failed = false
    const ops: FileOps = {
      ...nodeFileOps,
      async syncDirectory(dir) {
        // Fail the flush that follows the rename of the new text into place, once.
        if (!failed && (await fs.readFile(configPath, 'utf8')) === newText) {
          failed = true
          throw systemError('EIO', 'i/o error, fsync')
        }

        return nodeFileOps.syncDirectory(dir)
      },
    }
    const error = await writeFailure(ops)
    expect(error.message).to.contain(`flushing the folder ${folder} failed: EIO`)
    expect(error.message).to.match(/The config file is unchanged\.$/)
    expect(failed).to.equal(true)
    await expectUntouched()
  })

  it('refuses a config file that does not exist', async () => {
    const missing = path.join(folder, 'missing.config')
    const error = (await rejectionOf(writeConfigFileAtomic(missing, newText, 'lost-master-key'))) as RecoveryError
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.equal(`The config file ${missing} does not exist.`)
  })

  it('fails cleanly when the file sits under something that is not a folder', async () => {
    const notAFolder = path.join(folder, 'file')
    await fs.writeFile(notAFolder, 'x')
    const error = (await rejectionOf(
      writeConfigFileAtomic(path.join(notAFolder, 'octopus.config'), newText, 'lost-master-key'),
    )) as RecoveryError
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.contain('does not exist')
  })

  it('restores the previous bytes, 0600, and removes the copy', async () => {
    const {previousCopyPath} = await writeConfigFileAtomic(configPath, newText, 'lost-master-key')

    await restoreConfigFile(configPath, previousCopyPath)
    expect((await fs.readFile(configPath)).equals(original)).to.equal(true)
    expect(await modeOf(configPath)).to.equal(0o600)
    expect(await folderEntries(folder)).to.deep.equal(['octopus.config'])
  })

  it('keeps the new file and the copy when restoring fails midway', async () => {
    const {previousCopyPath} = await writeConfigFileAtomic(configPath, newText, 'lost-master-key')
    const ops: FileOps = {...nodeFileOps, rename: () => Promise.reject(systemError('EIO', 'i/o error, rename'))}

    const error = (await rejectionOf(restoreConfigFile(configPath, previousCopyPath, ops))) as RecoveryError
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.contain(`Could not restore the config file ${configPath} from ${previousCopyPath}`)
    expect(error.suggestions.join(' ')).to.contain(`Copy ${previousCopyPath} over ${configPath}`)
    expect(await fs.readFile(configPath, 'utf8')).to.equal(newText)
    expect((await fs.readFile(previousCopyPath)).equals(original)).to.equal(true)
    expect(await folderEntries(folder)).to.deep.equal(['octopus.config', path.basename(previousCopyPath)])
  })

  it('refuses to restore from a copy that is gone', async () => {
    const missing = path.join(folder, 'octopus.config.before-lost-master-key-gone')
    const error = (await rejectionOf(restoreConfigFile(configPath, missing))) as RecoveryError
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.contain(`its saved copy ${missing} cannot be read`)
    await expectUntouched()
  })
})

import {expect} from 'chai'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'

import {readKeyFile} from '../../../src/files/key-file.js'
import {RecoveryError} from '../../../src/recovery-error.js'

async function refusal(promise: Promise<unknown>): Promise<RecoveryError> {
  const error = await promise.then(
    () => new Error('not refused'),
    (error_: unknown) => error_,
  )
  expect(error).to.be.instanceOf(RecoveryError)
  return error as RecoveryError
}

describe('reading a key file, or standard input for -', () => {
  let folder: string
  const key = 'q3VzZXItc3VwcGxpZWQtMTYtYnl0ZXM='

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'lost-master-key-key-file-'))
  })
  after(() => rm(folder, {recursive: true, force: true}))

  it('reads the file named, and standard input to its end for -, chunk by chunk', async () => {
    const file = path.join(folder, 'key.txt')
    await writeFile(file, `${key}\n`)
    expect(await readKeyFile(file)).to.equal(`${key}\n`)
    expect(
      await readKeyFile('-', Readable.from([Buffer.from(key.slice(0, 5)), Buffer.from(`${key.slice(5)}\n`)])),
    ).to.equal(`${key}\n`)
  })

  it('refuses a file it cannot read (exit 7), naming it', async () => {
    const missing = await refusal(readKeyFile(path.join(folder, 'absent.txt')))
    expect(missing.exitCode).to.equal(7)
    expect(missing.message).to.include('absent.txt').and.include('ENOENT')
    const folderGiven = await refusal(readKeyFile(folder))
    expect(folderGiven.exitCode).to.equal(7)
    expect(folderGiven.message).to.include('EISDIR')
  })

  it('refuses more than a key file holds (exit 2) without echoing it, from a file or standard input', async () => {
    const secretLooking = `${key}\n`.repeat(200)
    const file = path.join(folder, 'large.txt')
    await writeFile(file, secretLooking)
    for (const error of [
      await refusal(readKeyFile(file)),
      await refusal(readKeyFile('-', Readable.from([Buffer.from(secretLooking)]))),
    ]) {
      expect(error.exitCode).to.equal(2)
      expect(error.message).to.include('more than 4096 bytes').and.not.include(key)
    }
  })
})

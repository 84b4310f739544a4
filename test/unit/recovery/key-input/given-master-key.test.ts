import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'

import {readGivenMasterKey} from '../../../../src/recovery/key-input/given-master-key.js'
import {RecoveryError} from '../../../../src/recovery-error.js'

async function refusal(promise: Promise<unknown>): Promise<RecoveryError> {
  const error = await promise.then(
    () => undefined,
    (error_: unknown) => error_,
  )
  expect(error).to.be.instanceOf(RecoveryError)
  return error as RecoveryError
}

describe('readGivenMasterKey: a key from --masterKey, a file, or standard input', () => {
  let folder: string
  const key = randomBytes(32)

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'given-key-'))
  })

  after(async () => {
    await rm(folder, {recursive: true, force: true})
  })

  it('reads the same key from each source, forgiving a trailing line break', async () => {
    const file = path.join(folder, 'key.txt')
    await writeFile(file, key.toString('base64') + '\n')
    expect(await readGivenMasterKey({kind: 'value', text: key.toString('base64')})).to.deep.equal(key)
    expect(await readGivenMasterKey({kind: 'file', path: file})).to.deep.equal(key)
    const stdin = Readable.from([
      Buffer.from(key.toString('base64').slice(0, 10)),
      key.toString('base64').slice(10) + '\r\n',
    ])
    expect(await readGivenMasterKey({kind: 'stdin'}, stdin)).to.deep.equal(key)
  })

  it('refuses a mistyped key (exit 2) without echoing any of it, naming where it came from', async () => {
    const typo = key.toString('base64').slice(0, -2) + '!='
    const error = await refusal(readGivenMasterKey({kind: 'stdin'}, Readable.from([typo])))
    expect(error.exitCode).to.equal(2)
    expect(error.message).to.include('from --masterKeyFrom -').and.include('not valid base64')
    expect(error.message + error.suggestions.join('\n')).not.to.include(typo.slice(0, 12))
    const short = await refusal(readGivenMasterKey({kind: 'value', text: randomBytes(20).toString('base64')}))
    expect(short.exitCode).to.equal(2)
    expect(short.message).to.include('--masterKey').and.include('20 bytes')
  })

  it('refuses a file that cannot be read (exit 7) and input far too long to be a key (exit 2)', async () => {
    const missing = await refusal(readGivenMasterKey({kind: 'file', path: path.join(folder, 'nope.txt')}))
    expect(missing.exitCode).to.equal(7)
    expect(missing.message).to.include('nope.txt').and.include('ENOENT')
    const big = path.join(folder, 'big.txt')
    await writeFile(big, 'A'.repeat(100_000))
    expect((await refusal(readGivenMasterKey({kind: 'file', path: big}))).exitCode).to.equal(2)
    const endless = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) yield Buffer.alloc(1024, 0x41)
      })(),
    )
    expect((await refusal(readGivenMasterKey({kind: 'stdin'}, endless))).exitCode).to.equal(2)
  })
})

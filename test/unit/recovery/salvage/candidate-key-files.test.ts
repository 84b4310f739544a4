import {expect} from 'chai'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {candidateSources, keyFingerprint, readCandidateKeys} from '../../../../src/recovery/salvage/candidate-keys.js'
import {RecoveryError} from '../../../../src/recovery-error.js'

describe('candidate keys from files (--candidateKeyFile FILE|-)', () => {
  const a = generateMasterKey(32)
  const b = generateMasterKey(16)
  let folder: string

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'lost-master-key-candidates-'))
  })
  after(() => rm(folder, {recursive: true, force: true}))

  it('reads each file as a key, in the order given, after the --candidateKey texts', async () => {
    const fileA = path.join(folder, 'a.txt')
    const fileB = path.join(folder, 'b.txt')
    await writeFile(fileA, `${a.toString('base64')}\n`)
    await writeFile(fileB, b.toString('base64'))
    const keys = await readCandidateKeys(
      candidateSources({candidateKey: [b.toString('base64')], candidateKeyFile: [fileB, fileA]}),
      {},
    )
    // b given as text and in a file counts once, under its first source.
    expect(keys.map((k) => [k.source, k.fingerprint])).to.deep.equal([
      ['--candidateKey #1', keyFingerprint(b)],
      [`--candidateKeyFile ${fileA}`, keyFingerprint(a)],
    ])
  })

  it('refuses standard input named twice (exit 2) before anything is read', () => {
    const error = (() => {
      try {
        candidateSources({candidateKeyFile: ['-', path.join(folder, 'a.txt'), '-']})
      } catch (error_) {
        return error_
      }
    })()
    expect(error).to.be.instanceOf(RecoveryError)
    expect((error as RecoveryError).exitCode).to.equal(2)
    expect((error as RecoveryError).message).to.include('--candidateKeyFile - is given 2 times')
  })

  it('refuses a file that holds no key (exit 2) or cannot be read (exit 7), naming it, never echoing it', async () => {
    const notAKey = path.join(folder, 'not-a-key.txt')
    const content = 'c2VjcmV0LWJ1dC10b28tc2hvcnQ='
    await writeFile(notAKey, content)
    const cases: Array<[string, number, RegExp]> = [
      [notAKey, 2, /^--candidateKeyFile .*not-a-key\.txt: .*bytes.*Nothing was changed/],
      [path.join(folder, 'absent.txt'), 7, /^--candidateKeyFile .*absent\.txt: .*ENOENT.*Nothing was changed/],
    ]
    for (const [file, code, message] of cases) {
      const error = await readCandidateKeys(candidateSources({candidateKeyFile: [file]}), {}).then(
        () => new Error('not refused'),
        (error_: unknown) => error_,
      )
      expect(error, file).to.be.instanceOf(RecoveryError)
      expect((error as RecoveryError).exitCode, file).to.equal(code)
      expect((error as RecoveryError).message, file)
        .to.match(message)
        .and.not.include(content)
    }
  })
})

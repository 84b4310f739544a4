import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'

import {masterKeyToBase64} from '../../../src/crypto/master-key.js'
import {createLostServer, databaseFingerprint, filesFingerprint, type LostServer} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {splitKeys, type SplitKeys} from '../../support/split-key-database.js'
import {runChild} from '../matrix/support/child-run.js'

const SEED = 2211
const fingerprintOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8)

interface CandidateJson {
  source: string
  fingerprint: string
  salvaged: number
}

/**
 * Key flags that keep keys out of the command line (`/proc/<pid>/cmdline`) and shell history: `--candidateKeyFile
 * FILE|-` and `--oldMasterKeyFile -` (docs/recovery.md, "Keys from files and standard input").
 */
describe('keys from files and standard input', () => {
  let server: LostServer
  let split: SplitKeys
  let keyFile: string

  before(async () => {
    console.log(`      seed ${SEED}`)
    server = await createLostServer({documents: 300, seed: SEED})
    split = await splitKeys(server.database.url, server.seeded.masterKey, SEED)
    keyFile = path.join(server.root, 'candidate-a.txt')
    await writeFile(keyFile, `${masterKeyToBase64(split.keyA)}\n`, {mode: 0o600})
  })
  after(() => server.dispose())

  it('--candidateKeyFile FILE and --candidateKeyFile - (standard input) salvage what --candidateKey does', async () => {
    const a = masterKeyToBase64(split.keyA)
    const asText = await runLostMasterKey(['--candidateKey', a, '--dryRun', '--json'], server.env)
    const fromFile = await runLostMasterKey(['--candidateKeyFile', keyFile, '--dryRun', '--json'], server.env)
    const fromStdin = await runChild(['--candidateKeyFile', '-', '--dryRun', '--json'], server.env, {stdin: `${a}\n`})
    const candidates = [asText, fromFile, fromStdin].map((run) => {
      expect(run.exitCode, run.message).to.equal(0)
      expect(run.stdout + run.stderr).to.not.include(a)
      return (JSON.parse(run.stdout) as {salvage: {candidates: CandidateJson[]}}).salvage.candidates
    })
    expect(candidates.map((list) => list.map((c) => c.source))).to.deep.equal([
      ['--candidateKey #1'],
      [`--candidateKeyFile ${keyFile}`],
      ['--candidateKeyFile standard input'],
    ])
    const salvaged = candidates.map(([c]) => [c.fingerprint, c.salvaged])
    expect(salvaged[0][0]).to.equal(fingerprintOf(split.keyA))
    expect(salvaged[0][1]).to.be.greaterThan(0)
    expect(salvaged[1]).to.deep.equal(salvaged[0])
    expect(salvaged[2]).to.deep.equal(salvaged[0])
  })

  it('refuses standard input twice (exit 2), and a key file that holds no key (exit 2), changing nothing', async () => {
    const database = await databaseFingerprint(server.database.url)
    const watched = [server.seeded.configPath, keyFile]
    const files = await filesFingerprint(watched)
    const notAKey = path.join(server.root, 'not-a-key.txt')
    const content = 'bm90LWEta2V5LWJ1dC1wcml2YXRlLXRleHQ='
    await writeFile(notAKey, content)
    const twice = await runLostMasterKey(
      ['--candidateKeyFile', '-', '--candidateKeyFile', '-', ...CONFIRMED],
      server.env,
    )
    expect(twice.exitCode, twice.message).to.equal(2)
    expect(twice.message).to.include('--candidateKeyFile - is given 2 times').and.include('Nothing was changed')
    const bad = await runLostMasterKey(['--candidateKeyFile', notAKey, ...CONFIRMED], server.env)
    expect(bad.exitCode, bad.message).to.equal(2)
    expect(bad.message).to.include(`--candidateKeyFile ${notAKey}`).and.include('Nothing was changed')
    expect(bad.stdout + bad.stderr + bad.message).to.not.include(content)
    expect(await databaseFingerprint(server.database.url)).to.equal(database)
    expect(await filesFingerprint(watched)).to.equal(files)
  })

  it('restore reads --oldMasterKeyFile - from standard input, and puts the values back', async () => {
    const reset = await runLostMasterKey(CONFIRMED, server.env)
    expect(reset.exitCode, reset.message).to.equal(0)
    const old = masterKeyToBase64(server.seeded.masterKey)
    const restore = await runChild(
      ['--oldMasterKeyFile', '-', '--iHaveBackedUpMyDatabase', '--skipBackupCheck', '--json'],
      server.env,
      {command: 'server:restore-quarantined', stdin: old},
    )
    expect(restore.exitCode, restore.message).to.equal(0)
    expect(restore.stdout + restore.stderr).to.not.include(old)
    expect((JSON.parse(restore.stdout) as {totals: {restored: number}}).totals.restored).to.be.greaterThan(0)
  })

  it('restore refuses a key file it cannot read (exit 7) and empty standard input (exit 2), naming it', async () => {
    const restore = await runPluginCommand(
      'server:restore-quarantined',
      ['--oldMasterKeyFile', path.join(server.root, 'absent.txt'), '--iHaveBackedUpMyDatabase', '--skipBackupCheck'],
      server.env,
    )
    expect(restore.exitCode, restore.message).to.equal(7)
    expect(restore.message).to.include('--oldMasterKeyFile').and.include('absent.txt')
    const empty = await runChild(
      ['--oldMasterKeyFile', '-', '--iHaveBackedUpMyDatabase', '--skipBackupCheck'],
      server.env,
      {
        command: 'server:restore-quarantined',
        stdin: '',
      },
    )
    expect(empty.exitCode, empty.message).to.equal(2)
    expect(empty.message).to.include('--oldMasterKeyFile standard input').and.include('not valid base64')
  })
})

import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {decryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey, sealNewMasterKey} from '../../../src/instance/current-master-key.js'
import {catalogDocuments} from '../../support/restore-loop.js'
import {
  createLostServer,
  databaseFingerprint,
  filesFingerprint,
  type LostServer,
  query,
} from '../../support/lost-server.js'
import {type CommandRun, CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {scanForSecrets, type Secret, seededSecrets} from '../../support/secret-scan.js'
import {compareSalvage, splitKeys, type SplitKeys} from '../../support/split-key-database.js'

const SEED = 1207

const fingerprintOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8)

interface CandidateJson {
  source: string
  fingerprint: string
  salvaged: number
  opensOutsideCatalog: number
}

interface SalvageJson {
  totals: {valuesReset: number; valuesSalvaged: number; outsideCatalog: number}
  tables: Array<{table: string; valuesSalvaged: number}>
  salvage: {candidates: CandidateJson[]} | null
}

describe('server:lost-master-key with candidate keys: salvage on a split-key database', () => {
  let server: LostServer
  let split: SplitKeys
  let configB: string
  let secrets: Secret[]
  let watchedFiles: string[]
  /** Uncataloged ciphertexts a dry run without candidates finds: salvage must not add to them. */
  let outsideCatalog: number
  const outputs: CommandRun[] = []

  const run = async (args: string[]) => {
    const result = await runLostMasterKey(args, server.env)
    outputs.push(result)
    return result
  }

  before(async () => {
    console.log(`      seed ${SEED}`)
    server = await createLostServer({
      documents: 600,
      corruptShare: 0.05,
      nonCiphertextShare: 0.05,
      nullShare: 0.05,
      malformedShare: 0.02,
      seed: SEED,
    })
    // Plaintexts are sampled under the seeded (lost) key before the split moves some of them under A and B.
    secrets = await seededSecrets(server.seeded, server.database.url)
    split = await splitKeys(server.database.url, server.seeded.masterKey, SEED)
    // An old config holding B, sealed on this machine (creating its machine key; the lost key's source stays gone).
    configB = path.join(server.root, 'old-b.config')
    const sealed = await sealNewMasterKey(await readConfigFile(server.seeded.configPath), split.keyB, server.env)
    expect(sealed.key.equals(split.keyB), 'B sealed as it is').to.equal(true)
    await writeFile(configB, sealed.text, {mode: 0o600})
    for (const key of [split.keyA, split.keyB]) {
      secrets.push({name: `candidate ${fingerprintOf(key)} (base64)`, value: key.toString('base64')})
      secrets.push({name: `candidate ${fingerprintOf(key)} (hex)`, value: key.toString('hex')})
    }
    watchedFiles = [server.seeded.configPath, configB, server.seeded.machineKeyPath, server.seeded.machineIdPath]
    expect(split.counts.a).to.be.greaterThan(0)
    expect(split.counts.b).to.be.greaterThan(0)
    expect(split.counts.lost).to.be.greaterThan(0)
  })

  after(() => server.dispose())

  it('refuses bad candidates with the documented codes before anything is written', async () => {
    const database = await databaseFingerprint(server.database.url)
    const files = await filesFingerprint(watchedFiles)
    const a = split.keyA.toString('base64')
    const cases: Array<[string[], number, RegExp]> = [
      [['--candidateKey', 'abc$', ...CONFIRMED], 2, /--candidateKey #1: The master key is not valid base64/],
      [
        ['--candidateKey', a, '--candidateKey', Buffer.alloc(20, 7).toString('base64'), '--dryRun'],
        2,
        /--candidateKey #2: .*20 bytes/,
      ],
      // The seeded config was sealed with a machine key this machine no longer has.
      [['--candidateConfig', server.seeded.configPath, ...CONFIRMED], 7, /--candidateConfig: .*cannot be unsealed/],
      [['--candidateConfig', path.join(server.root, 'absent.config'), ...CONFIRMED], 7, /absent\.config/],
    ]
    for (const [args, code, message] of cases) {
      const result = await run(args)
      expect(result.exitCode, `${args.join(' ')}: ${result.message}`).to.equal(code)
      expect(result.message, args.join(' '))
        .to.match(message)
        .and.match(/Nothing was changed/)
    }
    expect(await databaseFingerprint(server.database.url)).to.equal(database)
    expect(await filesFingerprint(watchedFiles)).to.equal(files)
  })

  it('refuses (4) a candidate that opens the server certificate, naming it and suggesting to put it back', async () => {
    const database = await databaseFingerprint(server.database.url)
    const files = await filesFingerprint(watchedFiles)
    const lost = server.seeded.masterKey
    const result = await run([
      '--candidateKey',
      split.keyA.toString('base64'),
      '--candidateKey',
      lost.toString('base64'),
      ...CONFIRMED,
    ])
    expect(result.exitCode, result.message).to.equal(4)
    expect(result.message).to.include(
      `--candidateKey #2 (fingerprint ${fingerprintOf(lost)}) opens the server certificate ${server.seeded.thumbprint}`,
    )
    expect(result.message)
      .to.match(/in all but name/)
      .and.match(/MASTER_KEY/)
      .and.match(/--skipCurrentMasterKeyTest/)
    expect(await databaseFingerprint(server.database.url)).to.equal(database)
    expect(await filesFingerprint(watchedFiles)).to.equal(files)
  })

  it('a dry run shows how many values each candidate would salvage, and changes nothing', async () => {
    const database = await databaseFingerprint(server.database.url)
    const args = ['--candidateKey', split.keyA.toString('base64'), '--candidateConfig', configB, '--dryRun']
    const text = await run(args)
    expect(text.exitCode, text.message).to.equal(0)
    expect(text.stdout).to.match(
      new RegExp(`--candidateKey #1, fingerprint ${fingerprintOf(split.keyA)}: [\\d,]+ values would be salvaged`),
    )
    expect(text.stdout).to.include(`--candidateConfig ${configB}, fingerprint ${fingerprintOf(split.keyB)}:`)
    const json = await run([...args, '--json'])
    const data = JSON.parse(json.stdout) as SalvageJson
    expect(data.salvage!.candidates.map((c) => c.salvaged).every((n) => n > 0)).to.equal(true)
    const plain = JSON.parse((await run(['--dryRun', '--json'])).stdout) as SalvageJson
    expect(plain.salvage).to.equal(null)
    outsideCatalog = plain.totals.outsideCatalog
    expect(data.totals.outsideCatalog, 'a salvaged value is not taken for an uncataloged one').to.equal(outsideCatalog)
    expect(data.totals.valuesSalvaged + data.totals.valuesReset).to.equal(plain.totals.valuesReset)
    expect(await databaseFingerprint(server.database.url)).to.equal(database)
  })

  describe('the salvage run', () => {
    let before: Map<string, Map<string, string>>
    let data: SalvageJson
    let reportFile: string
    let runId: string

    it('succeeds', async () => {
      before = await catalogDocuments(server.database.url)
      reportFile = path.join(server.root, 're-enter.csv')
      const result = await run([
        '--candidateKey',
        split.keyA.toString('base64'),
        '--candidateConfig',
        configB,
        ...CONFIRMED,
        '--reportFile',
        reportFile,
        '--json',
        '--showMasterKey',
      ])
      expect(result.exitCode, result.message).to.equal(0)
      data = JSON.parse(result.stdout) as SalvageJson
      runId = (JSON.parse(result.stdout) as {runId: string}).runId
    })

    it('names each candidate by source and fingerprint with what it salvaged', () => {
      const [a, b] = data.salvage!.candidates
      expect(a).to.include({source: '--candidateKey #1', fingerprint: fingerprintOf(split.keyA)})
      expect(b).to.include({source: `--candidateConfig ${configB}`, fingerprint: fingerprintOf(split.keyB)})
      expect(a.salvaged).to.be.greaterThan(0)
      expect(b.salvaged).to.be.greaterThan(0)
      expect(data.totals.valuesSalvaged).to.equal(a.salvaged + b.salvaged)
      expect(data.tables.reduce((sum, t) => sum + t.valuesSalvaged, 0)).to.equal(data.totals.valuesSalvaged)
      expect(data.totals.outsideCatalog, 'a salvaged value is not taken for an uncataloged one').to.equal(
        outsideCatalog,
      )
    })

    it(
      "opens each A and B value with the new key to its original plaintext; the lost key's values are null and " +
        'quarantined',
      async () => {
        const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
        if (current.kind !== 'available') throw new Error(current.reason)
        const after = await catalogDocuments(server.database.url)
        const comparison = compareSalvage(before, after, {
          a: split.keyA,
          b: split.keyB,
          lost: server.seeded.masterKey,
          new: current.key,
        })
        expect(comparison.wrong).to.deep.equal([])
        expect(comparison.salvaged).to.equal(data.totals.valuesSalvaged)
        const leftOpenable = data.salvage!.candidates.reduce((sum, c) => sum + c.opensOutsideCatalog, 0)
        expect(comparison.leftOpenable, 'only uncataloged values stay under a candidate').to.equal(leftOpenable)
        expect(comparison.lostNowNull.length).to.be.greaterThan(0)

        const quarantined = await query<{Value: string}>(
          server.database.url,
          'SELECT "Value" FROM "LostMasterKeyQuarantine" WHERE "RunId" = $1',
          [runId],
        )
        expect(quarantined.length).to.equal(data.totals.valuesReset)
        const openedByCandidate = quarantined.filter(({Value}) =>
          [split.keyA, split.keyB].some((key) => decryptSensitiveValue(Value, key).kind === 'plaintext'),
        )
        expect(openedByCandidate, 'nothing a candidate opens is quarantined').to.have.length(0)
        const openedByLost = quarantined
          .map((q) => q.Value)
          .filter((value) => decryptSensitiveValue(value, server.seeded.masterKey).kind === 'plaintext')
        expect(openedByLost.sort()).to.deep.equal([...comparison.lostNowNull].sort())
      },
    )

    it('marks salvaged values in the re-entry list by fingerprint', async () => {
      const lines = (await readFile(reportFile, 'utf8')).trim().split('\n').slice(1)
      for (const candidate of data.salvage!.candidates) {
        const marked = lines.filter((l) => l.endsWith(`,salvaged by candidate ${candidate.fingerprint}`))
        expect(marked.length, candidate.source).to.equal(candidate.salvaged)
        const left = lines.filter((l) => l.endsWith(`(opens with candidate ${candidate.fingerprint})`))
        expect(left.length, candidate.source).to.equal(candidate.opensOutsideCatalog)
      }
      expect(lines.filter((l) => l.endsWith(',reset')).length).to.equal(data.totals.valuesReset)
    })

    it('leaves a key that check-master-key finds healthy', async () => {
      const check = await runPluginCommand('server:check-master-key', ['--json'], server.env)
      outputs.push(check)
      expect(JSON.parse(check.stdout).verdict, check.stdout).to.equal('healthy')
    })

    it('records the salvage in the audit event by fingerprint', async () => {
      const [event] = await query<{JSON: string}>(
        server.database.url,
        `SELECT "JSON" FROM "Event" WHERE "Category" = 'MasterKeyReset'`,
      )
      const details = (JSON.parse(event.JSON) as {Details: {Salvaged: Array<{Fingerprint: string; Values: number}>}})
        .Details
      expect(details.Salvaged.map((s) => s.Fingerprint)).to.deep.equal([
        fingerprintOf(split.keyA),
        fingerprintOf(split.keyB),
      ])
      outputs.push({exitCode: 0, stdout: event.JSON, stderr: '', message: ''})
    })

    it('with --skipCurrentMasterKeyTest, a candidate that opens the certificate salvages what it opens', async () => {
      const read = async () => {
        const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
        if (current.kind !== 'available') throw new Error(current.reason)
        return current.key
      }
      const working = await read()
      const documents = await catalogDocuments(server.database.url)
      const result = await runLostMasterKey(
        ['--candidateKey', working.toString('base64'), ...CONFIRMED, '--skipCurrentMasterKeyTest', '--json'],
        server.env,
      )
      expect(result.exitCode, result.message).to.equal(0)
      expect(result.stdout + result.stderr, 'the candidate stays unseen').to.not.include(working.toString('base64'))
      const again = JSON.parse(result.stdout) as SalvageJson
      const comparison = compareSalvage(documents, await catalogDocuments(server.database.url), {
        a: working,
        b: working,
        lost: server.seeded.masterKey,
        new: await read(),
      })
      expect(comparison.wrong).to.deep.equal([])
      expect(comparison.salvaged).to.equal(again.totals.valuesSalvaged).and.to.equal(data.totals.valuesSalvaged)
      expect(comparison.lostNowNull).to.deep.equal([])
    })

    it('shows no candidate key, old key or plaintext in any output or file', async () => {
      const texts = outputs.map((o, i) => ({name: `run ${i}`, text: o.stdout + o.stderr + o.message}))
      texts.push({name: 're-entry list', text: await readFile(path.join(server.root, 're-enter.csv'), 'utf8')})
      expect(scanForSecrets(texts, secrets)).to.deep.equal([])
    })
  })
})

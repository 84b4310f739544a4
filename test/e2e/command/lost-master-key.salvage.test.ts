import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {Prng} from '../../../scripts/seeder/prng.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
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
import {luckyValues} from '../../support/lucky-ciphertexts.js'
import {testEngines} from '../../support/targets.js'

const SEED = 1207

const fingerprintOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8)

interface CandidateJson {
  source: string
  fingerprint: string
  verdict: string
  proof: string
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
      new RegExp(
        `--candidateKey #1, fingerprint ${fingerprintOf(split.keyA)}: proven by [\\d,]+ of [\\d,]+ values; ` +
          `[\\d,]+ values would be salvaged`,
      ),
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

    it('names each candidate by source and fingerprint with its proof and what it salvaged', () => {
      const [a, b] = data.salvage!.candidates
      expect(a).to.include({source: '--candidateKey #1', fingerprint: fingerprintOf(split.keyA), verdict: 'proven'})
      expect(b).to.include({source: `--candidateConfig ${configB}`, fingerprint: fingerprintOf(split.keyB)})
      expect(b.verdict).to.equal('proven')
      expect(a.proof).to.match(/^proven by [\d,]+ of [\d,]+ values$/)
      expect(a.salvaged).to.be.greaterThan(0)
      expect(b.salvaged).to.be.greaterThan(0)
      expect(data.totals.valuesSalvaged).to.equal(a.salvaged + b.salvaged)
      expect(data.tables.reduce((sum, t) => sum + t.valuesSalvaged, 0)).to.equal(data.totals.valuesSalvaged)
      expect(data.totals.outsideCatalog, 'a salvaged value is not taken for an uncataloged one').to.equal(
        outsideCatalog,
      )
    })

    it(
      "opens each A and B value with the new key to its original plaintext; the lost key's values are null; both " +
        'are quarantined',
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

        const quarantined = await query<{DocumentId: string; Value: string}>(
          server.database.url,
          'SELECT "DocumentId", "Value" FROM "LostMasterKeyQuarantine" WHERE "RunId" = $1',
          [runId],
        )
        // Every reset value, every salvaged original, and the old server certificate.
        expect(quarantined.length).to.equal(data.totals.valuesReset + data.totals.valuesSalvaged + 1)
        const openedByCandidate = quarantined.filter(({Value}) =>
          [split.keyA, split.keyB].some((key) => decryptSensitiveValue(Value, key).kind === 'plaintext'),
        )
        expect(openedByCandidate, 'every salvaged original is quarantined').to.have.length(data.totals.valuesSalvaged)
        // The old certificate (which the lost key opens too) aside: the ciphertexts reset.
        const openedByLost = quarantined
          .filter((q) => q.DocumentId !== 'certificate-global')
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

/** Every string of a JSON value, depth first. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

const LUCKY_DOCUMENT = 'VariableSets-lucky'

for (const engine of testEngines())
  describe(`server:lost-master-key: a wrong candidate that opens a few values by chance, on ${engine}`, () => {
    const seed = SEED + 1
    let server: LostServer
    let split: SplitKeys
    let wrong: Buffer
    /** One value the lost key owns and one A owns; the wrong key opens both (valid padding and UTF-8, by search). */
    let luckyLost: string
    let luckyA: string
    let certificateData: string
    let documentsBefore: Map<string, Map<string, string>>
    let data: SalvageJson & {runId: string}

    before(async () => {
      console.log(`      seed ${seed}`)
      server = await createLostServer({documents: 80, seed, engine})
      split = await splitKeys(server.database.url, server.seeded.masterKey, seed)
      wrong = new Prng(seed, 'wrong candidate').bytes(32)
      ;[luckyLost] = luckyValues(server.seeded.masterKey, wrong, ['lucky, lost'], seed).values
      ;[luckyA] = luckyValues(split.keyA, wrong, ['lucky, A'], seed + 1).values
      // Enough other one-block values before the two that two openings by chance prove nothing (key-proof.ts).
      const others = Array.from({length: 20}, (_, i) => encryptSensitiveValue(`other ${i}`, server.seeded.masterKey))
      const variables = [...others, luckyLost, luckyA].map((value, i) => ({
        Name: `V${i}`,
        Type: 'Sensitive',
        Value: value,
      }))
      await query(server.database.url, `INSERT INTO "VariableSet" ("Id", "OwnerId", "JSON") VALUES ($1, $2, $3)`, [
        LUCKY_DOCUMENT,
        'Projects-lucky',
        JSON.stringify({Id: LUCKY_DOCUMENT, Variables: variables}),
      ])
      const [certificate] = await query<{JSON: string}>(
        server.database.url,
        `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`,
      )
      certificateData = (JSON.parse(certificate.JSON) as {CertificateData: string}).CertificateData
      expect(decryptSensitiveValue(luckyLost, wrong).kind, 'the wrong key opens the lucky values').to.equal('plaintext')
      expect(decryptSensitiveValue(luckyA, wrong).kind).to.equal('plaintext')
    })

    after(() => server?.dispose())

    const candidates = () => [
      '--candidateKey',
      wrong.toString('base64'),
      '--candidateKey',
      split.keyA.toString('base64'),
    ]

    it('a dry run reports the wrong candidate unproven and ignored, and changes nothing', async () => {
      const database = await databaseFingerprint(server.database.url)
      const run = await runLostMasterKey([...candidates(), '--dryRun'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      expect(run.stdout).to.match(
        new RegExp(
          `--candidateKey #1, fingerprint ${fingerprintOf(wrong)}: opens 2 of [\\d,]+ values: not enough to prove ` +
            `it .*; ignored, it salvages nothing`,
        ),
      )
      expect(run.stdout).to.match(new RegExp(`--candidateKey #2, fingerprint ${fingerprintOf(split.keyA)}: proven by`))
      // The proving step reads every document for the wrong candidate, with a progress line like the other long steps.
      const proving = run.stdout.slice(
        run.stdout.indexOf('Prove the candidate keys on this database'),
        run.stdout.indexOf('Generate a new master key'),
      )
      expect(proving, run.stdout).to.match(/: [\d,]+ of [\d,]+ documents \(\d+%\)/)
      expect(await databaseFingerprint(server.database.url)).to.equal(database)
    })

    it('salvages nothing with the wrong candidate; the right one, listed second, salvages all it owns', async () => {
      documentsBefore = await catalogDocuments(server.database.url)
      const run = await runLostMasterKey([...candidates(), ...CONFIRMED, '--json', '--showMasterKey'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      data = JSON.parse(run.stdout) as SalvageJson & {runId: string}
      const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
      if (current.kind !== 'available') throw new Error(current.reason)
      // The two values the wrong key opens by chance: the lost key's is reset, A's is salvaged by A.
      const [lucky] = await query<{JSON: string}>(
        server.database.url,
        `SELECT "JSON" FROM "VariableSet" WHERE "Id" = $1`,
        [LUCKY_DOCUMENT],
      )
      const values = (JSON.parse(lucky.JSON) as {Variables: Array<{Value: string | null}>}).Variables.map(
        (v) => v.Value,
      )
      expect(values.at(-2), "the lost key's lucky value is reset, not salvaged as garbage").to.equal(null)
      const salvaged = decryptSensitiveValue(values.at(-1), current.key)
      expect(salvaged.kind === 'plaintext' && salvaged.plaintext, "A's lucky value, salvaged by A").to.equal('lucky, A')
      // B is no candidate here: its values are reset like the lost key's (compareSalvage counts them as unopened).
      const comparison = compareSalvage(documentsBefore, await catalogDocuments(server.database.url), {
        a: split.keyA,
        b: split.keyA,
        lost: server.seeded.masterKey,
        new: current.key,
      })
      expect(comparison.wrong).to.deep.equal([])
      expect(comparison.lostNowNull).to.include(luckyLost)
      const [w, a] = data.salvage!.candidates
      expect(w).to.include({
        fingerprint: fingerprintOf(wrong),
        verdict: 'unproven',
        salvaged: 0,
        opensOutsideCatalog: 0,
      })
      expect(w.proof).to.match(/^opens 2 of [\d,]+ values: not enough to prove it/)
      expect(a).to.include({fingerprint: fingerprintOf(split.keyA), verdict: 'proven'})
      expect(comparison.salvaged).to.equal(a.salvaged).and.to.equal(data.totals.valuesSalvaged)
    })

    it('quarantines each salvaged original, each reset value and the old certificate', async () => {
      const rows = await query<{TableName: string; DocumentId: string; Path: string; Value: string}>(
        server.database.url,
        'SELECT "TableName", "DocumentId", "Path", "Value" FROM "LostMasterKeyQuarantine" WHERE "RunId" = $1',
        [data.runId],
      )
      expect(rows.length).to.equal(data.totals.valuesReset + data.totals.valuesSalvaged + 1)
      const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
      if (current.kind !== 'available') throw new Error(current.reason)
      const after = await catalogDocuments(server.database.url)
      const openWith = (value: unknown, key: Buffer) => {
        const opened = decryptSensitiveValue(value, key)
        return opened.kind === 'plaintext' ? opened.plaintext : undefined
      }
      const salvagedRows = rows.filter((row) => openWith(row.Value, split.keyA) !== undefined)
      expect(salvagedRows.length, 'one row per salvaged value').to.equal(data.totals.valuesSalvaged)
      for (const row of salvagedRows) {
        // Its document now holds, in its place, a value the new key opens to the same plaintext.
        const written = strings(JSON.parse(after.get(row.TableName)!.get(row.DocumentId)!))
        const plaintexts = written.map((value) => openWith(value, current.key))
        expect(plaintexts, `${row.TableName} ${row.DocumentId} ${row.Path}`).to.include(openWith(row.Value, split.keyA))
      }
      expect(rows.map((row) => row.Value))
        .to.include(luckyLost)
        .and.include(luckyA)
      const certificate = rows.filter(
        (row) => row.TableName === 'Configuration' && row.DocumentId === 'certificate-global',
      )
      expect(certificate.map((row) => [row.Path, row.Value])).to.deep.equal([['CertificateData', certificateData]])
    })

    it("names the candidates' verdicts in the audit event", async () => {
      const [event] = await query<{JSON: string}>(
        server.database.url,
        `SELECT "JSON" FROM "Event" WHERE "Category" = 'MasterKeyReset'`,
      )
      const details = JSON.parse(event.JSON) as {
        Details: {Salvaged: Array<{Fingerprint: string; Verdict: string; ValuesOpened: number; Values: number}>}
      }
      expect(details.Details.Salvaged.map((c) => [c.Fingerprint, c.Verdict, c.Values])).to.deep.equal([
        [fingerprintOf(wrong), 'unproven', 0],
        [fingerprintOf(split.keyA), 'proven', data.salvage!.candidates[1].salvaged],
      ])
      expect(details.Details.Salvaged[0].ValuesOpened).to.equal(2)
    })
  })

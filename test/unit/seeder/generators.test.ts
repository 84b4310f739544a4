import {expect} from 'chai'

import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {decryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {decoySlots} from '../../../scripts/seeder/decoy-slots.js'
import {fillSensitive} from '../../../scripts/seeder/fill-sensitive.js'
import {malform} from '../../../scripts/seeder/malform.js'
import {seededUser} from '../../../scripts/seeder/people.js'
import {Prng} from '../../../scripts/seeder/prng.js'
import {distribute} from '../../../scripts/seeder/proportions.js'
import {RawJson, toJsonText} from '../../../scripts/seeder/raw-json.js'
import {emptyCounts} from '../../../scripts/seeder/sensitive-counts.js'
import {SensitiveValueMaker} from '../../../scripts/seeder/sensitive-values.js'
import {tableRows, type TableTally} from '../../../scripts/seeder/table-rows.js'
import {TABLE_GENERATORS} from '../../../scripts/seeder/tables/all-tables.js'

const KEY = new Prng(7, 'test-key').bytes(32)

describe('seeder document generation', () => {
  it('the PRNG repeats for a seed and stream, and differs across them', () => {
    const draw = (seed: number, stream: string) => new Prng(seed, stream).bytes(32).toString('hex')
    expect(draw(1, 'a')).to.equal(draw(1, 'a'))
    expect(draw(1, 'a')).to.not.equal(draw(2, 'a'))
    expect(draw(1, 'a')).to.not.equal(draw(1, 'b'))
    const rng = new Prng(3)
    const samples = Array.from({length: 10_000}, () => rng.next())
    expect(Math.min(...samples)).to.be.at.least(0)
    expect(Math.max(...samples)).to.be.below(1)
    expect(samples.reduce((a, b) => a + b, 0) / samples.length).to.be.closeTo(0.5, 0.02)
  })

  it('writes raw JSON verbatim and everything else as JSON.stringify would', () => {
    const text = toJsonText({b: 1, a: [true, null, 'é'], n: new RawJson('9007199254740993'), d: new RawJson('1.50')})
    expect(text).to.equal('{"b":1,"a":[true,null,"é"],"n":9007199254740993,"d":1.50}')
  })

  it('spreads documents by weight, exactly, with a minimum per table', () => {
    const tables = [
      {table: 'A', weight: 0.7},
      {table: 'B', weight: 0.2},
      {table: 'C', weight: 0.1},
    ]
    const counts = distribute(1001, tables)
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).to.equal(1001)
    expect(counts.A).to.be.closeTo(700, 2)
    expect(distribute(0, tables)).to.deep.equal({A: 3, B: 3, C: 3})
  })

  it('every generated document is valid JSON carrying the text a careless round trip destroys', () => {
    for (const generator of TABLE_GENERATORS) {
      const tally: TableTally = {documents: 0, sensitive: emptyCounts(), decoys: 0, malformed: 0}
      const fields = SENSITIVE_CATALOG.find((t) => t.table === generator.table)?.fields ?? []
      const maker = new SensitiveValueMaker(KEY, {corrupt: 0, nonCiphertext: 0, null: 0}, new Prng(1, 's'))
      const rows = [
        ...tableRows(
          generator,
          {
            count: 40,
            batchSize: 16,
            malformedShare: 0,
            fields,
            columns: new Set(['Name']),
            maker,
            context: {seed: 1, userCount: 5},
          },
          tally,
        ),
      ]
      expect(
        rows.map((b) => b.length),
        generator.table,
      ).to.deep.equal([16, 16, 8])
      for (const row of rows.flat()) {
        const json = row.JSON as string
        expect(JSON.parse(json).Id, generator.table).to.equal(row.Id)
        const revision = /"Revision":(\d+)/.exec(json)?.[1]
        expect(Number.isSafeInteger(Number(revision)), revision).to.equal(false)
        expect(json).to.include('"Ratio":1.50').and.include('1e5').and.include('\\u00e9').and.include('\\ud83d\\ude80')
        expect(json).to.include('{"z":1,"b":2,"10":3,"a":[]}')
        // Only the columns the table has are written.
        expect(Object.keys(row).every((c) => ['Id', 'JSON', 'Name'].includes(c))).to.equal(true)
      }
      expect(tally.documents).to.equal(40)
      if (fields.length > 0) expect(tally.sensitive.readable, generator.table).to.be.greaterThan(0)
    }
  })

  it('makes sensitive values by share: readable ones decrypt, corrupt ones are well formed and never decrypt', () => {
    const counts = emptyCounts()
    const maker = new SensitiveValueMaker(KEY, {corrupt: 0.5, nonCiphertext: 0.2, null: 0.1}, new Prng(1, 'mix'))
    const made = Array.from({length: 4000}, () => maker.make('account password', counts))
    const kinds = {readable: 0, corrupt: 0, nonCiphertext: 0, alreadyNull: 0}
    for (const value of made) {
      if (value === null) kinds.alreadyNull++
      else {
        const kind = decryptSensitiveValue(JSON.parse(toJsonText(value)), KEY).kind
        kinds[kind === 'plaintext' ? 'readable' : kind === 'does-not-decrypt' ? 'corrupt' : 'nonCiphertext']++
      }
    }
    expect(kinds).to.deep.equal(counts)
    expect(counts.corrupt).to.be.closeTo(2000, 150)
    expect(counts.alreadyNull).to.be.closeTo(400, 80)
  })

  it('seeds a catalog entry no generator knows about', () => {
    const document = {Id: 'Feeds-1', Name: 'f'}
    const counts = emptyCounts()
    const maker = new SensitiveValueMaker(KEY, {corrupt: 0, nonCiphertext: 0, null: 0}, new Prng(1, 'new'))
    fillSensitive(document, [{path: 'Auth.ApiKeys[].Key', when: {Enabled: true}, kind: 'API key'}], maker, counts)
    const key = (document as unknown as {Auth: {ApiKeys: Array<{Enabled: boolean; Key: string}>}}).Auth.ApiKeys[0]
    expect(key.Enabled).to.equal(true)
    expect(decryptSensitiveValue(key.Key, KEY).kind).to.equal('plaintext')
    expect(counts.readable).to.equal(1)
  })

  it('fills an endpoint secret only where its communication style has it, and puts decoys elsewhere', () => {
    for (const table of ['Machine', 'Worker']) {
      const generator = TABLE_GENERATORS.find((g) => g.table === table)!
      const fields = SENSITIVE_CATALOG.find((t) => t.table === table)!.fields
      const tally: TableTally = {documents: 0, sensitive: emptyCounts(), decoys: 0, malformed: 0}
      const maker = new SensitiveValueMaker(KEY, {corrupt: 0, nonCiphertext: 0, null: 0}, new Prng(1, 'm'))
      const context = {seed: 1, userCount: 1}
      const rows = [
        ...tableRows(
          generator,
          {count: 20, batchSize: 100, malformedShare: 0, fields, columns: new Set(), maker, context},
          tally,
        ),
      ].flat()
      const endpoints = rows.map((r) => JSON.parse(r.JSON as string).Endpoint)
      const secrets = {
        OfflineDrop: 'SensitiveVariablesEncryptionPassword',
        AzureServiceFabricCluster: 'AadUserCredentialPassword',
      }
      let expected = 0
      for (const endpoint of endpoints) {
        for (const [style, key] of Object.entries(secrets)) {
          if (endpoint.CommunicationStyle === style) {
            expected++
            expect(decryptSensitiveValue(endpoint[key], KEY).kind, `${table} ${style}`).to.equal('plaintext')
          }
        }
      }
      expect(tally.sensitive.readable, table).to.equal(expected)
      expect(expected, table).to.be.greaterThan(0)
      // The decoys sit in the other styles' endpoints, under a secret's name.
      const decoys = endpoints.filter(
        (e) => !(e.CommunicationStyle in secrets) && Object.values(secrets).some((key) => key in e),
      )
      expect(tally.decoys, table).to.equal(decoys.length).and.to.be.greaterThan(0)
    }
  })

  it("puts decoys exactly where the seeder's own walker finds conditional catalog shapes whose conditions fail", () => {
    let total = 0
    for (const generator of TABLE_GENERATORS) {
      const fields = SENSITIVE_CATALOG.find((t) => t.table === generator.table)?.fields ?? []
      const tally: TableTally = {documents: 0, sensitive: emptyCounts(), decoys: 0, malformed: 0}
      const maker = new SensitiveValueMaker(KEY, {corrupt: 0, nonCiphertext: 0, null: 0}, new Prng(1, 'd'))
      const rows = [
        ...tableRows(
          generator,
          {
            count: 30,
            batchSize: 100,
            malformedShare: 0,
            fields,
            columns: new Set(),
            maker,
            context: {seed: 1, userCount: 5},
          },
          tally,
        ),
      ].flat()
      let found = 0
      for (const row of rows) {
        for (const {holder, key} of decoySlots(JSON.parse(row.JSON as string), fields, row.Id as string)) {
          if (decryptSensitiveValue((holder as Record<string | number, unknown>)[key], KEY).kind === 'plaintext')
            found++
        }
      }
      expect(found, generator.table).to.equal(tally.decoys)
      total += found
    }
    expect(total).to.be.greaterThan(0)
  })

  it('has a decoy for every conditional catalog field, among the documents of its table', () => {
    const missing: string[] = []
    for (const {table, fields} of SENSITIVE_CATALOG) {
      const generator = TABLE_GENERATORS.find((g) => g.table === table)
      const conditional = fields.filter(
        (f) => f.when !== undefined && !fields.some((o) => o.path === f.path && o.when === undefined),
      )
      if (!generator || conditional.length === 0) continue
      const tally: TableTally = {documents: 0, sensitive: emptyCounts(), decoys: 0, malformed: 0}
      const maker = new SensitiveValueMaker(KEY, {corrupt: 0, nonCiphertext: 0, null: 0}, new Prng(1, 'c'))
      const rows = [
        ...tableRows(
          generator,
          {
            count: 40,
            batchSize: 100,
            malformedShare: 0,
            fields,
            columns: new Set(),
            maker,
            context: {seed: 1, userCount: 5},
          },
          tally,
        ),
      ].flat()
      const paths = new Set(
        rows.flatMap((row) =>
          decoySlots(JSON.parse(row.JSON as string), fields, row.Id as string).map((slot) => slot.path),
        ),
      )
      for (const field of conditional) if (!paths.has(field.path)) missing.push(`${table} ${field.path}`)
    }
    expect(missing).to.deep.equal([])
  })

  it('malformed text never parses, and never splits a surrogate pair', () => {
    const text = toJsonText({Id: 'x', Note: '🚀🚀🚀🚀', Values: [1, 2, 3]})
    const rng = new Prng(5)
    for (let i = 0; i < 500; i++) {
      const broken = malform(text, rng)
      expect(() => JSON.parse(broken), broken).to.throw(SyntaxError)
      expect(Buffer.from(broken, 'utf8').toString('utf8')).to.equal(broken)
    }
  })

  it('users are a pure function of seed and index, unique, and none is a prefix of another', () => {
    expect(seededUser(3, 10)).to.deep.equal(seededUser(3, 10))
    const users = Array.from({length: 300}, (_, i) => seededUser(3, i))
    const values = users.flatMap((u) => [u.username, u.displayName, u.emailAddress])
    expect(new Set(values).size).to.equal(values.length)
    for (const u of users) expect(u.emailAddress.startsWith(u.username + '@')).to.equal(true)
    const names = users.map((u) => u.username)
    for (const a of names.slice(0, 50)) for (const b of names) if (a !== b) expect(b.startsWith(a)).to.equal(false)
  })
})

import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import type {RecoveryReport} from '../../../src/recovery/lost-master-key/recovery-report.js'
import {createLostServer, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'

const DEEP = '['.repeat(600) + '"deep"' + ']'.repeat(600)

/** Documents as a real server may hold them, each with ciphertexts made with the seeded (lost) key. */
function oddDocuments(key: Buffer): Array<{table: string; id: string; json: string}> {
  const cipher = (text: string) => JSON.stringify(encryptSensitiveValue(text, key))
  return [
    // The server reads the last copy of a key; no copy may keep a ciphertext.
    {
      table: 'Account',
      id: 'accounts-dup-last',
      json: `{"Name":"dup last","AccountType":"UsernamePassword","Password":null,"Password":${cipher('a')}}`,
    },
    {
      table: 'Account',
      id: 'accounts-dup-first',
      json: `{"Name":"dup first","AccountType":"UsernamePassword","Password":${cipher('b')},"Password":null}`,
    },
    // The condition's last copy says Sensitive.
    {
      table: 'VariableSet',
      id: 'variableset-condition',
      json: `{"Variables":[{"Name":"late","Type":"String","Value":${cipher('c')},"Type":"Sensitive"}]}`,
    },
    // Valid JSON nested 600 deep.
    {
      table: 'VariableSet',
      id: 'variableset-deep',
      json: `{"Deep":${DEEP},"Variables":[{"Name":"deep","Type":"Sensitive","Value":${cipher('d')}}]}`,
    },
    // Outside the catalog: a field the account type does not make secret, and a field the catalog does not know.
    {
      table: 'Account',
      id: 'accounts-aws-password',
      json: `{"Name":"aws","AccountType":"AmazonWebServicesAccount","SecretKey":null,"Password":${cipher('e')}}`,
    },
    {
      table: 'Feed',
      id: 'feeds-new-field',
      json: `{"Name":"newer feed","Password":null,"Future":{"Name":"api","Token":${cipher('f')}}}`,
    },
  ]
}

const OUTSIDE = [
  {table: 'Account', documentId: 'accounts-aws-password', path: 'Password'},
  {table: 'Feed', documentId: 'feeds-new-field', path: 'Future.Token'},
]

/** The queryable columns a table requires besides Id and JSON. */
const COLUMNS: Record<string, string[]> = {Account: ['Name', 'AccountType'], Feed: ['Name'], VariableSet: []}

async function insertOddDocuments(server: LostServer): Promise<void> {
  for (const {table, id, json} of oddDocuments(server.seeded.masterKey)) {
    const columns = COLUMNS[table]
    const document = JSON.parse(json) as Record<string, string>
    const names = ['Id', 'JSON', ...columns].map((name) => `"${name}"`).join(', ')
    const values = [id, json, ...columns.map((column) => document[column])]
    await query(
      server.database.url,
      `INSERT INTO "${table}" (${names}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
      values,
    )
  }
}

async function documentJson(server: LostServer, table: string, id: string): Promise<string> {
  const [row] = await query<{JSON: string}>(server.database.url, `SELECT "JSON" FROM "${table}" WHERE "Id" = $1`, [id])
  return row.JSON
}

/** How many values outside the catalog a dry run finds (the seeder places some: decoys and lookalikes). */
async function outsideCatalogPlanned(server: LostServer): Promise<number> {
  const dry = await runLostMasterKey(['--dry-run', '--json'], server.env)
  expect(dry.exitCode, dry.message).to.equal(0)
  return (JSON.parse(dry.stdout) as RecoveryReport).outsideCatalog.values
}

/** Ciphertext-shaped strings left anywhere in a document's text. */
const ciphertextsIn = (json: string) => json.match(/"[A-Za-z0-9+/]+=*\|[A-Za-z0-9+/]{22}=="/g) ?? []

describe('server:lost-master-key reads documents as the server does', () => {
  let server: LostServer

  afterEach(() => server?.dispose())

  it(
    'reads a repeated key as the server does (the last one), leaves no copy a ciphertext, and reads deep ' + 'nesting',
    async () => {
      server = await createLostServer({documents: 60, seed: 40})
      await insertOddDocuments(server)
      const run = await runLostMasterKey([...CONFIRMED, '--json'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RecoveryReport
      for (const id of ['accounts-dup-last', 'accounts-dup-first']) {
        expect(ciphertextsIn(await documentJson(server, 'Account', id)), id).to.deep.equal([])
      }
      expect(
        JSON.parse(await documentJson(server, 'VariableSet', 'variableset-condition')).Variables[0].Value,
      ).to.equal(null)
      const deep = await documentJson(server, 'VariableSet', 'variableset-deep')
      expect(deep).to.equal(`{"Deep":${DEEP},"Variables":[{"Name":"deep","Type":"Sensitive","Value":null}]}`)
      expect(
        report.tables.find((t) => t.table === 'VariableSet')!.malformedDocuments,
        'the deep document is not malformed',
      ).to.equal(0)
      expect(report.totals.duplicateKeyDocuments).to.be.at.least(3)
    },
  )

  it(
    'lists values outside the catalog in the dry run, the report and the re-entry list, and leaves them by ' +
      'default',
    async () => {
      server = await createLostServer({documents: 60, seed: 41})
      // The seeder's own lookalikes outside the catalog, and the two added here.
      const outside = (await outsideCatalogPlanned(server)) + OUTSIDE.length
      await insertOddDocuments(server)
      const reportFile = path.join(server.root, 're-enter.csv')

      const dry = await runLostMasterKey(['--dry-run'], server.env)
      expect(dry.exitCode, dry.message).to.equal(0)
      expect(dry.stdout).to.include(`Outside the catalog: ${outside} values`)
      for (const {table, documentId, path: at} of OUTSIDE) expect(dry.stdout).to.include(`${table} ${documentId} ${at}`)

      const run = await runLostMasterKey([...CONFIRMED, '--json', '--reportFile', reportFile], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RecoveryReport
      expect(ciphertextsIn(await documentJson(server, 'Account', 'accounts-aws-password'))).to.have.length(1)
      expect(ciphertextsIn(await documentJson(server, 'Feed', 'feeds-new-field'))).to.have.length(1)
      expect(report.outsideCatalog.values).to.equal(outside)
      expect(
        report.outsideCatalog.first.map(({table, documentId, path: at}) => ({table, documentId, path: at})),
      ).to.deep.include.members(OUTSIDE)
      const rows = (await readFile(reportFile, 'utf8')).split('\n')
      expect(rows).to.include(
        'Account,accounts-aws-password,aws,Password,outside the catalog,left: outside the catalog',
      )
      expect(rows).to.include('Feed,feeds-new-field,api,Future.Token,outside the catalog,left: outside the catalog')
      expect(rows.filter((row) => row.endsWith(',left: outside the catalog'))).to.have.length(outside)
      const quarantined = await query<{DocumentId: string}>(
        server.database.url,
        `SELECT "DocumentId" FROM "LostMasterKeyQuarantine" WHERE "DocumentId" = ANY($1)`,
        [OUTSIDE.map((v) => v.documentId)],
      )
      expect(quarantined).to.deep.equal([])
    },
  )

  it('--resetUncataloged also resets the values outside the catalog, quarantined like the rest', async () => {
    server = await createLostServer({documents: 60, seed: 42})
    const outside = (await outsideCatalogPlanned(server)) + OUTSIDE.length
    await insertOddDocuments(server)
    const before = {
      aws: JSON.parse(await documentJson(server, 'Account', 'accounts-aws-password')).Password as string,
      feed: JSON.parse(await documentJson(server, 'Feed', 'feeds-new-field')).Future.Token as string,
    }
    const run = await runLostMasterKey([...CONFIRMED, '--json', '--reset-uncataloged'], server.env)
    expect(run.exitCode, run.message).to.equal(0)
    const report = JSON.parse(run.stdout) as RecoveryReport
    expect(report.outsideCatalog).to.include({values: outside, reset: true})
    expect(JSON.parse(await documentJson(server, 'Account', 'accounts-aws-password')).Password).to.equal(null)
    expect(JSON.parse(await documentJson(server, 'Feed', 'feeds-new-field')).Future.Token).to.equal(null)
    const quarantined = await query<{DocumentId: string; Path: string; Value: string}>(
      server.database.url,
      `SELECT "DocumentId", "Path", "Value" FROM "LostMasterKeyQuarantine" WHERE "DocumentId" = ANY($1) ORDER BY ` +
        `"DocumentId"`,
      [OUTSIDE.map((v) => v.documentId)],
    )
    expect(quarantined).to.deep.equal([
      {DocumentId: 'accounts-aws-password', Path: 'Password', Value: before.aws},
      {DocumentId: 'feeds-new-field', Path: 'Future.Token', Value: before.feed},
    ])
    expect(report.quarantine).to.include({
      values: report.totals.valuesReset + 1,
      reset: report.totals.valuesReset,
      salvaged: 0,
      oldCertificate: true,
    })
  })
})

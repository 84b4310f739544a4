import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {findLeaves} from '../../../scripts/seeder/catalog-walker.js'
import {decoySlots} from '../../../scripts/seeder/decoy-slots.js'
import {isSensitiveValueShape} from '../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG, type SensitiveField} from '../../../src/recovery/catalog/catalog.js'
import {createLostServer, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'

const SEED = 29

const fieldName = (table: string, field: SensitiveField) =>
  `${table} ${field.documentId ?? ''} ${field.path} ${JSON.stringify(field.when ?? {})}`

interface CatalogState {
  /** Per catalog field: how many of its slots hold something shaped like a ciphertext. */
  readonly ciphertexts: Map<string, number>
  /** Every decoy (a slot just outside the catalog), `table Id path` → its value, in document order. */
  readonly decoys: Map<string, unknown[]>
}

/** Reads every catalog document with the seeder's own walker (independent of the reset's). */
async function catalogState(url: string): Promise<CatalogState> {
  const state: CatalogState = {ciphertexts: new Map(), decoys: new Map()}
  for (const {table, fields} of SENSITIVE_CATALOG) {
    for (const field of fields) state.ciphertexts.set(fieldName(table, field), 0)
    for (const row of await query<{Id: string; JSON: string}>(url, `SELECT "Id", "JSON" FROM "${table}"`)) {
      if (table === 'Configuration' && row.Id === 'certificate-global') continue
      const document: unknown = JSON.parse(row.JSON)
      for (const field of fields) {
        if (field.documentId !== undefined && field.documentId !== row.Id) continue
        const values = findLeaves(document, field).map(
          ({holder, key}) => (holder as Record<string | number, unknown>)[key],
        )
        const name = fieldName(table, field)
        state.ciphertexts.set(name, state.ciphertexts.get(name)! + values.filter(isSensitiveValueShape).length)
      }
      for (const slot of decoySlots(document, fields, row.Id)) {
        const key = `${table} ${row.Id} ${slot.path}`
        state.decoys.set(key, [
          ...(state.decoys.get(key) ?? []),
          (slot.holder as Record<string | number, unknown>)[slot.key],
        ])
      }
    }
  }
  return state
}

/** The re-entry list's rows as objects (RFC 4180 quoting). */
function csvRows(text: string): Array<Record<string, string>> {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i]
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') {
      quoted = true
    } else if (c === ',' || c === '\n') {
      record.push(field)
      field = ''
      if (c === '\n') {
        records.push(record)
        record = []
      }
    } else {
      field += c
    }
  }
  const [header, ...rows] = records
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])))
}

describe(`server:lost-master-key resets every catalog field and nothing beside it (seed ${SEED})`, () => {
  let server: LostServer
  let initial: CatalogState
  let reportFile: string
  let exitCode: number
  let message: string

  before(async () => {
    // Every value a ciphertext (readable or corrupt), so each field is known to hold some before the reset.
    server = await createLostServer({
      documents: 1200,
      corruptShare: 0.2,
      nonCiphertextShare: 0,
      nullShare: 0,
      seed: SEED,
    })
    initial = await catalogState(server.database.url)
    reportFile = path.join(server.root, 're-enter.csv')
    const run = await runLostMasterKey(
      ['--instance', 'OctopusServer', ...CONFIRMED, '--reportFile', reportFile],
      server.env,
    )
    ;({exitCode, message} = run)
  })

  after(() => server.dispose())

  it('had ciphertexts in every catalog field and decoys beside every conditional one before the run', () => {
    expect([...initial.ciphertexts].filter(([, count]) => count === 0).map(([name]) => name)).to.deep.equal([])
    const decoyPaths = new Set([...initial.decoys.keys()].map((key) => key.replace(/ \S+ /, ' ')))
    for (const {table, fields} of SENSITIVE_CATALOG) {
      for (const field of fields) {
        if (field.when === undefined || fields.some((other) => other.path === field.path && other.when === undefined))
          continue
        expect(decoyPaths.has(`${table} ${field.path}`), `a decoy for ${fieldName(table, field)}`).to.equal(true)
      }
    }
  })

  it('leaves no ciphertext in any catalog field', async () => {
    expect(exitCode, message).to.equal(0)
    const final = await catalogState(server.database.url)
    expect([...final.ciphertexts].filter(([, count]) => count > 0)).to.deep.equal([])
  })

  it('leaves every decoy exactly as it was', async () => {
    const final = await catalogState(server.database.url)
    expect(final.decoys.size).to.be.greaterThan(50)
    expect(final.decoys).to.deep.equal(initial.decoys)
  })

  it('lists each reset value with its table, document, human name, path and kind', async () => {
    const rows = csvRows(await readFile(reportFile, 'utf8'))
    const reset = rows.filter((row) => row.outcome === 'reset')
    expect(reset.length).to.equal([...initial.ciphertexts.values()].reduce((a, b) => a + b, 0))
    for (const row of reset) {
      expect(row.name, `${row.table} ${row.document_id} ${row.field_path}`)
        .to.be.a('string')
        .and.not.equal(row.document_id)
      expect(row.name).to.not.equal('')
    }
    for (const {table, fields} of SENSITIVE_CATALOG) {
      for (const field of fields) {
        const mine = reset.filter(
          (row) =>
            row.table === table &&
            row.kind === field.kind &&
            (!field.documentId || row.document_id === field.documentId),
        )
        expect(mine.length, fieldName(table, field)).to.be.greaterThan(0)
        if (field.title && !field.label) for (const row of mine) expect(row.name).to.equal(field.title)
      }
    }
  })
})

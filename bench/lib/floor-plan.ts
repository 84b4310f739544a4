/**
 * The honest floor's plan: for each page the floor reads (the tables in the tool's order, each keyset-read by Id,
 * `batchSize` documents at a time) that has something to write, the statements that write it, exactly as the tool's
 * PostgreSQL dialect makes a batch's writes (writeResetBatch: one combined quarantine INSERT and UPDATE where it can),
 * parameters and all. What is written comes from the tool's own per-document logic (`resetDocument` or
 * `rotateDocument`, command defaults). All of it is computed BEFORE any timing; the floor reads the plan as a stream
 * beside its own reads, so its memory stays flat at any size and it only sends what it reads. A row of a row plan
 * (row-plan.ts) per page: table, the page's last Id, its documents changed and quarantine rows, then each statement
 * as its text, one letter per parameter (`s` text, `b` bytes, `n` NULL) and the parameters; bytes (a batch's
 * documents, encoded once by the dialect) go back as they are, never decoded.
 */
import {randomUUID} from 'node:crypto'
import type pg from 'pg'

import {quarantineInserts} from '../../src/database/dialects/postgres/postgres-quarantine-insert.js'
import {resetBatch} from '../../src/database/dialects/postgres/postgres-reset-batch.js'
import {postgresUpdate} from '../../src/database/dialects/postgres/postgres-update.js'
import type {QuarantineRow} from '../../src/database/operations/quarantine-row.js'
import {RowPlanReader, RowPlanWriter} from './row-plan.js'

/** A quarantine row as a document's plan gives it: the run, table and document are the page's. */
export type PlannedQuarantine = Omit<QuarantineRow, 'runId' | 'tableName' | 'documentId'>

/** What the tool writes for one document: its new JSON (absent: it keeps its text) and its quarantine rows. */
export interface PlannedDocument {
  readonly json?: string
  readonly quarantine: readonly PlannedQuarantine[]
}

export interface PlannedStatement {
  readonly sql: string
  readonly parameters: ReadonlyArray<string | Buffer | null>
}

/** One page's writes. */
export interface PlannedPage {
  readonly table: string
  /** The Id of the page's last document: the floor's read must end on it. */
  readonly lastId: string
  readonly documentsChanged: number
  readonly quarantineRows: number
  readonly statements: readonly PlannedStatement[]
}

/** A batch's writes as the tool's writeResetBatch sends them on PostgreSQL (src/database/operations/). */
function batchStatements(
  table: string,
  quarantine: readonly QuarantineRow[],
  changed: ReadonlyArray<{Id: string; JSON: string}>,
): PlannedStatement[] {
  const combined = resetBatch(table, quarantine, changed)
  const compiled = combined
    ? [combined]
    : [
        ...quarantineInserts(quarantine, new Date()),
        ...(changed.length > 0 ? [postgresUpdate(table, ['JSON'], changed)] : []),
      ]
  return compiled.map(({sql, parameters}) => ({sql, parameters: parameters.map(planParameter)}))
}

function planParameter(value: unknown): string | Buffer | null {
  if (value === null || typeof value === 'string' || Buffer.isBuffer(value)) return value
  throw new Error(`a floor plan cannot hold a parameter of type ${typeof value}`)
}

function planRow(page: PlannedPage): Array<string | Buffer | null> {
  const row: Array<string | Buffer | null> = [
    page.table,
    page.lastId,
    String(page.documentsChanged),
    String(page.quarantineRows),
  ]
  for (const {sql, parameters} of page.statements) {
    const kinds = parameters.map((value) => (value === null ? 'n' : typeof value === 'string' ? 's' : 'b')).join('')
    row.push(sql, kinds, ...parameters)
  }
  return row
}

function plannedPage(row: ReadonlyArray<Buffer | null>): PlannedPage {
  const text = (at: number) => {
    const value = row[at]
    if (!value) throw new Error(`a floor plan row has no value at ${at}`)
    return value.toString('utf8')
  }
  const statements: PlannedStatement[] = []
  for (let at = 4; at < row.length;) {
    const sql = text(at)
    const kinds = text(at + 1)
    const parameters = [...kinds].map((kind, index) =>
      kind === 'n' ? null : kind === 'b' ? row[at + 2 + index]! : text(at + 2 + index),
    )
    statements.push({sql, parameters})
    at += 2 + kinds.length
  }
  return {
    table: text(0),
    lastId: text(1),
    documentsChanged: Number(text(2)),
    quarantineRows: Number(text(3)),
    statements,
  }
}

/** Reads a plan's pages in order. */
export class FloorPlanReader {
  private constructor(private readonly rows: RowPlanReader) {}

  static async open(file: string): Promise<FloorPlanReader> {
    return new FloorPlanReader(await RowPlanReader.open(file))
  }

  /** The next page, or undefined at the end of the plan. */
  async next(): Promise<PlannedPage | undefined> {
    const row = await this.rows.nextBytes()
    return row && plannedPage(row)
  }

  close(): Promise<void> {
    return this.rows.close()
  }
}

/** What a plan holds: the documents read, those whose text changes, and the quarantine rows. */
export interface PlanTotals {
  documents: number
  documentsChanged: number
  quarantineRows: number
}

/**
 * Reads every document of `tables` as the floor will (Id order, `batchSize` at a time) and writes to `file` the
 * statements of each page's writes, from what `planOf` plans for each document (undefined: it is left alone). Never
 * timed: it runs before the floor does.
 */
export async function writeFloorPlan<T extends {readonly table: string}>(
  client: pg.Client,
  tables: readonly T[],
  file: string,
  batchSize: number,
  planOf: (table: T, id: string, json: string | null) => PlannedDocument | undefined,
): Promise<PlanTotals> {
  const out = new RowPlanWriter(file)
  const runId = randomUUID()
  const totals: PlanTotals = {documents: 0, documentsChanged: 0, quarantineRows: 0}
  for (const table of tables) {
    let last = ''
    for (;;) {
      const {rows} = await client.query<{Id: string; JSON: string | null}>(
        `SELECT "Id", "JSON" FROM "${table.table}" WHERE "Id" > $1 ORDER BY "Id" LIMIT $2`,
        [last, batchSize],
      )
      if (rows.length === 0) break
      const changed: Array<{Id: string; JSON: string}> = []
      const quarantine: QuarantineRow[] = []
      for (const row of rows) {
        const planned = planOf(table, row.Id, row.JSON)
        if (!planned) continue
        if (planned.json !== undefined) changed.push({Id: row.Id, JSON: planned.json})
        for (const value of planned.quarantine)
          quarantine.push({runId, tableName: table.table, documentId: row.Id, ...value})
      }
      totals.documents += rows.length
      totals.documentsChanged += changed.length
      totals.quarantineRows += quarantine.length
      last = rows.at(-1)!.Id
      if (changed.length > 0 || quarantine.length > 0)
        await out.write(
          planRow({
            table: table.table,
            lastId: last,
            documentsChanged: changed.length,
            quarantineRows: quarantine.length,
            statements: batchStatements(table.table, quarantine, changed),
          }),
        )
      if (rows.length < batchSize) break
    }
  }
  await out.close()
  return totals
}

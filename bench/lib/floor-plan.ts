/**
 * The honest floor's plan: for each catalog document whose end state differs from its start, its new JSON and the
 * quarantine rows the tool writes for it, computed BEFORE any timing by the tool's own per-document logic
 * (`resetDocument`, command defaults). One row of a row plan (row-plan.ts) per such document, in the order the floor
 * reads them (the tables in the tool's order, each by Id), so the floor reads it as a stream beside its reads and its
 * memory stays flat at any size.
 */
import type pg from 'pg'

import type {QuarantineRow} from '../../src/database/operations/quarantine-row.js'
import {type PlannedRow, RowPlanReader, RowPlanWriter} from './row-plan.js'

/** A quarantine row as the plan holds it: the run, table and document are the floor's and the document's. */
export type PlannedQuarantine = Omit<QuarantineRow, 'runId' | 'tableName' | 'documentId'>

/** One document of the plan. */
export interface PlannedDocument {
  readonly table: string
  readonly id: string
  /** The new JSON; absent when the document keeps its text (it may still have values quarantined). */
  readonly json?: string
  readonly quarantine: readonly PlannedQuarantine[]
}

/** Values per quarantine row in a plan row: path, value, kind, element Ids, written. */
const QUARANTINE_WIDTH = 5

function planRow(document: PlannedDocument): PlannedRow {
  const row: Array<string | null> = [document.table, document.id, document.json ?? null]
  for (const {path, value, kind, elementIds, written} of document.quarantine)
    row.push(path, value, kind ?? null, elementIds ?? null, written ?? null)
  return row
}

function plannedDocument(row: PlannedRow): PlannedDocument {
  if (row.length < 3 || (row.length - 3) % QUARANTINE_WIDTH !== 0 || row[0] === null || row[1] === null)
    throw new Error(`a floor plan row of ${row.length} values is not a planned document`)
  const quarantine: PlannedQuarantine[] = []
  for (let at = 3; at < row.length; at += QUARANTINE_WIDTH) {
    const [path, value, kind, elementIds, written] = row.slice(at, at + QUARANTINE_WIDTH)
    quarantine.push({
      path: path!,
      value: value!,
      ...(kind !== null && {kind: kind as PlannedQuarantine['kind']}),
      ...(elementIds !== null && {elementIds}),
      ...(written !== null && {written}),
    })
  }
  return {table: row[0], id: row[1], ...(row[2] !== null && {json: row[2]}), quarantine}
}

/** Reads a plan's documents in order. */
export class FloorPlanReader {
  private constructor(private readonly rows: RowPlanReader) {}

  static async open(file: string): Promise<FloorPlanReader> {
    return new FloorPlanReader(await RowPlanReader.open(file))
  }

  /** The next document, or undefined at the end of the plan. */
  async next(): Promise<PlannedDocument | undefined> {
    const row = await this.rows.next()
    return row && plannedDocument(row)
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
 * Reads every document of `tables` (Id order, 2,000 at a time) and writes to `file` the plan `planOf` makes for each
 * (undefined: the document is left alone). Never timed: it runs before the floor does.
 */
export async function writeFloorPlan<T extends {readonly table: string}>(
  client: pg.Client,
  tables: readonly T[],
  file: string,
  planOf: (table: T, id: string, json: string | null) => PlannedDocument | undefined,
): Promise<PlanTotals> {
  const out = new RowPlanWriter(file)
  const totals: PlanTotals = {documents: 0, documentsChanged: 0, quarantineRows: 0}
  for (const table of tables) {
    let last = ''
    for (;;) {
      const {rows} = await client.query<{Id: string; JSON: string | null}>(
        `SELECT "Id", "JSON" FROM "${table.table}" WHERE "Id" > $1 ORDER BY "Id" LIMIT 2000`,
        [last],
      )
      for (const row of rows) {
        totals.documents++
        const planned = planOf(table, row.Id, row.JSON)
        if (!planned) continue
        if (planned.json !== undefined) totals.documentsChanged++
        totals.quarantineRows += planned.quarantine.length
        await out.write(planRow(planned))
      }
      if (rows.length < 2000) break
      last = rows.at(-1)!.Id
    }
  }
  await out.close()
  return totals
}

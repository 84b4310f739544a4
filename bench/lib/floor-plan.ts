/**
 * The honest floor's plan: for each catalog document whose end state differs from its start, its new JSON and the
 * quarantine rows the tool writes for it, computed BEFORE any timing by the tool's own per-document logic
 * (`resetDocument`, command defaults). One JSON line per such document, in the order the tables are reset.
 */
import {once} from 'node:events'
import {createReadStream, createWriteStream} from 'node:fs'
import {createInterface} from 'node:readline'
import type pg from 'pg'

/** One line of the plan. */
export interface PlannedDocument {
  readonly table: string
  readonly id: string
  /** The new JSON; absent when the document keeps its text (it may still have values quarantined). */
  readonly json?: string
  /** [path, ciphertext] of each value quarantined. */
  readonly quarantine: ReadonlyArray<readonly [string, string]>
}

/** The plan, by table, then by document Id. */
export type FloorPlan = Map<string, Map<string, PlannedDocument>>

export async function readFloorPlan(file: string): Promise<FloorPlan> {
  const plan: FloorPlan = new Map()
  for await (const line of createInterface({input: createReadStream(file, 'utf8'), crlfDelay: Infinity})) {
    if (!line) continue
    const document = JSON.parse(line) as PlannedDocument
    let byId = plan.get(document.table)
    if (!byId) plan.set(document.table, (byId = new Map()))
    byId.set(document.id, document)
  }
  return plan
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
  const out = createWriteStream(file)
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
        if (!out.write(JSON.stringify(planned) + '\n')) await once(out, 'drain')
      }
      if (rows.length < 2000) break
      last = rows.at(-1)!.Id
    }
  }
  out.end()
  await once(out, 'close')
  return totals
}

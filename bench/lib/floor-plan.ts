/**
 * The honest floor's plan: for each catalog document whose end state differs from its start, its new JSON and the
 * quarantine rows the tool writes for it, computed BEFORE any timing by the tool's own per-document logic
 * (`resetDocument`, command defaults). One JSON line per such document, in the order the tables are reset.
 */
import {createReadStream} from 'node:fs'
import {createInterface} from 'node:readline'

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

import type {DbContext} from '../../database/context.js'
import {streamDocuments, writeDocuments} from '../../database/operations/documents.js'
import {releaseArrays} from '../reset/release-arrays.js'
import {PERSONAL_CATALOG, type PersonalTable} from '../catalog/catalog.js'
import type {Interruption} from '../flow/interruption.js'
import {WriteInFlight} from '../reset/write-in-flight.js'
import {PersonalReplacements} from './personal-replacements.js'
import {Pseudonymizer} from './pseudonymizer.js'
import {scrubEvent, type EventRow} from './scrub-event.js'
import {scrubUser, userIdentity, type UserRow} from './scrub-user.js'

export interface PersonalTally {
  table: string
  rowsScanned: number
  rowsChanged: number
  malformedDocuments: number
}

export interface ScrubOptions {
  readonly batchSize: number
  readonly write: boolean
  readonly interruption: Interruption
  readonly onProgress: (tally: PersonalTally) => void
}

const [USER_TABLE, EVENT_TABLE] = PERSONAL_CATALOG

const columnsOf = (table: PersonalTable) => [...table.columns, ...table.readColumns]

function changedColumns(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return Object.keys(after).some((key) => after[key] !== before[key])
}

/**
 * Gives every person one pseudonym across `User` and `Event` (docs/catalog.md, "Personal data"). Users come first so
 * the audit log can be matched to them; the secret behind the pseudonyms dies with this call.
 */
export async function scrubPersonalData(ctx: DbContext, options: ScrubOptions): Promise<PersonalTally[]> {
  const pseudonymizer = new Pseudonymizer()
  const everyone = new PersonalReplacements()
  // Each user's pseudonym by Id, found once: every audit event of theirs looks it up.
  const userPseudonyms = new Map<string, string>()

  const scrubTable = async <Row extends {Id: string; JSON: string | null}>(
    table: PersonalTable,
    scrubRow: (row: Row) => {row: object; malformed: boolean},
  ): Promise<PersonalTally> => {
    const tally: PersonalTally = {table: table.table, rowsScanned: 0, rowsChanged: 0, malformedDocuments: 0}
    // As in resetTable: a batch's write runs while the next batch is scrubbed, and is awaited before the next write.
    const writes = new WriteInFlight()
    try {
      for await (const batch of streamDocuments(ctx, table.table, {
        batchSize: options.batchSize,
        columns: columnsOf(table),
      })) {
        options.interruption.throwIfInterrupted()
        const changed: Array<Record<string, string | null>> = []
        for (const row of batch as unknown as Row[]) {
          tally.rowsScanned++
          const scrubbed = scrubRow(row)
          if (scrubbed.malformed) tally.malformedDocuments++
          const after = scrubbed.row as Record<string, string | null>
          if (changedColumns(row, after)) changed.push(after)
        }
        releaseArrays(batch)
        tally.rowsChanged += changed.length
        if (options.write && changed.length > 0)
          await writes.start(() => writeDocuments(ctx, table.table, ['JSON', ...table.columns], changed), [changed])
        options.onProgress(tally)
      }
    } catch (error) {
      await writes.quiesce()
      throw error
    }
    await writes.settle()
    return tally
  }

  const users = await scrubTable<UserRow>(USER_TABLE, (row) => {
    userPseudonyms.set(row.Id, pseudonymizer.pseudonymFor(userIdentity(row.Id)))
    return scrubUser(row, pseudonymizer, everyone)
  })
  const events = await scrubTable<EventRow>(EVENT_TABLE, (row) =>
    scrubEvent(row, userPseudonyms, pseudonymizer, everyone),
  )
  return [users, events]
}

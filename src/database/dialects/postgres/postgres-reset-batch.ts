import {CompiledQuery} from 'kysely'

import {BoundedCache} from '../../bounded-cache.js'
import type {QuarantineRow} from '../../operations/quarantine-row.js'
import {quoted} from './postgres-identifier.js'
import {postgresQuarantineInsert, quarantineGroups} from './postgres-quarantine-insert.js'
import {separatedBytes} from './separated-bytes.js'
import {textArrayLiteral} from './text-array-literal.js'

/**
 * The combined texts made so far, by INSERT (one of two) and table: the same string each time, so the dialect finds
 * its statement name without hashing a new copy per batch.
 */
const combinedTexts = new Map<string, BoundedCache<string>>()

/**
 * A reset batch's writes as one statement: the quarantine INSERT as a data-modifying `WITH` ahead of the UPDATE,
 * which PostgreSQL runs exactly once, so a batch costs one round trip instead of two (a reset of 200,000 documents
 * writes in about 800 batches). Only for one run's copies of one table (always, in a reset).
 *
 * The documents go as one parameter, encoded here (separated-bytes.ts) and split by the server, last (after it nothing
 * makes node-postgres's message buffer grow again); their Ids as one array literal. Documents as their own text
 * parameters cost about twice the client CPU to encode; an array literal of them, an escape per quote on the client
 * and a parse on the server. Undefined, to write the batch another way, when the documents cannot go so.
 */
export function resetBatch(
  table: string,
  quarantine: readonly QuarantineRow[],
  changed: ReadonlyArray<{Id: string; JSON: string}>,
): CompiledQuery | undefined {
  const groups = quarantineGroups(quarantine)
  if (groups.length !== 1 || changed.length === 0) return undefined
  const documents = separatedBytes(changed.map((document) => document.JSON))
  if (!documents) return undefined
  const insert = postgresQuarantineInsert(groups[0], new Date())
  let texts = combinedTexts.get(insert.sql)
  if (!texts) combinedTexts.set(insert.sql, (texts = new BoundedCache(1024)))
  const sql = texts.get(
    table,
    () =>
      `WITH quarantined AS (${insert.sql}) UPDATE ${quoted(table)} AS t SET "JSON" = v."JSON" ` +
      `FROM unnest($10::text[], string_to_array($11::text, chr(1))) AS v("Id", "JSON") WHERE t."Id" = v."Id"`,
  )
  return CompiledQuery.raw(sql, [
    ...insert.parameters,
    textArrayLiteral(changed.map((document) => document.Id)),
    documents,
  ])
}

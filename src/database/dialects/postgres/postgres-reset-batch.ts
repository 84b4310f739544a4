import {CompiledQuery} from 'kysely'

import {BoundedCache} from '../../bounded-cache.js'
import type {QuarantineRow} from '../../operations/quarantine-row.js'
import {postgresQuarantineInsert, quarantineGroups} from './postgres-quarantine-insert.js'
import {postgresUpdate} from './postgres-update.js'

/** The most documents one combined statement carries (two parameters each, far below 65,535). */
const COMBINED_MAX_DOCUMENTS = 2000

/**
 * The combined texts made so far, by INSERT (one of two) and UPDATE text: the same string each time, so the dialect
 * finds its statement name without hashing a new copy of several kilobytes per batch.
 */
const combinedTexts = new Map<string, BoundedCache<string>>()

/**
 * A reset batch's writes as one statement: the quarantine INSERT as a data-modifying `WITH` ahead of the UPDATE,
 * which PostgreSQL runs exactly once, so a batch costs one round trip instead of two (a reset of 200,000 documents
 * writes in about 800 batches). Only for one run's copies of one table (always, in a reset) and a bounded batch.
 */
export function resetBatch(
  table: string,
  quarantine: readonly QuarantineRow[],
  changed: ReadonlyArray<{Id: string; JSON: string}>,
): CompiledQuery | undefined {
  const groups = quarantineGroups(quarantine)
  if (groups.length !== 1 || changed.length === 0 || changed.length > COMBINED_MAX_DOCUMENTS) return undefined
  const insert = postgresQuarantineInsert(groups[0], new Date())
  // The UPDATE's placeholders follow the INSERT's.
  const update = postgresUpdate(table, ['JSON'], changed, insert.parameters.length + 1)
  let texts = combinedTexts.get(insert.sql)
  if (!texts) combinedTexts.set(insert.sql, (texts = new BoundedCache(1024)))
  return CompiledQuery.raw(
    texts.get(update.sql, () => `WITH quarantined AS (${insert.sql}) ${update.sql}`),
    [...insert.parameters, ...update.parameters],
  )
}

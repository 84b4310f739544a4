import type {SensitiveField} from '../../src/recovery/catalog/catalog.js'
import {fillDecoys} from './decoys.js'
import {fillSensitive} from './fill-sensitive.js'
import {malform} from './malform.js'
import {Prng} from './prng.js'
import {toJsonText} from './raw-json.js'
import {addCounts, emptyCounts, type SensitiveCounts} from './sensitive-counts.js'
import type {SensitiveValueMaker} from './sensitive-values.js'
import type {ColumnValue, GeneratorContext, TableGenerator} from './tables/table-generator.js'

export type Row = Record<string, ColumnValue>

export interface TableTally {
  documents: number
  sensitive: SensitiveCounts
  /** Readable ciphertexts placed just outside the catalog, which a reset must leave alone. */
  decoys: number
  malformed: number
}

export interface TableRowsOptions {
  readonly count: number
  readonly batchSize: number
  readonly malformedShare: number
  /** The catalog fields of this table. */
  readonly fields: readonly SensitiveField[]
  /** The columns the table has in this schema (an older one may lack some). */
  readonly columns: ReadonlySet<string>
  readonly maker: SensitiveValueMaker
  readonly context: GeneratorContext
}

/**
 * The rows of one table, a batch at a time, so memory stays bounded whatever the count. The tally is
 * updated as rows are made: a malformed document's sensitive values are not counted, as no reader can
 * reach them, nor its decoys. Documents, malformation and sensitive values draw from separate streams, so changing a
 * share does not change the documents themselves.
 */
export function* tableRows(generator: TableGenerator, options: TableRowsOptions, tally: TableTally): Generator<Row[]> {
  const documentRng = new Prng(options.context.seed, `documents:${generator.table}`)
  const malformRng = new Prng(options.context.seed, `malformed:${generator.table}`)
  let batch: Row[] = []
  for (let index = 0; index < options.count; index++) {
    const {columns, document} = generator.build(index, documentRng, options.context)
    const counts = emptyCounts()
    fillSensitive(document, options.fields, options.maker, counts, generator.optionalPaths)
    const decoys = fillDecoys(document, options.maker)
    let json = toJsonText(document)
    if (malformRng.chance(options.malformedShare)) {
      json = malform(json, malformRng)
      tally.malformed++
    } else {
      addCounts(tally.sensitive, counts)
      tally.decoys += decoys
    }

    const row: Row = {Id: document.Id, JSON: json}
    for (const [column, value] of Object.entries(columns)) if (options.columns.has(column)) row[column] = value
    batch.push(row)
    tally.documents++
    if (batch.length === options.batchSize) {
      yield batch
      batch = []
    }
  }

  if (batch.length > 0) yield batch
}

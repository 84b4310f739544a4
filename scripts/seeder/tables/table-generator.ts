import type {Prng} from '../prng.js'
import type {JsonValue} from '../raw-json.js'

export type ColumnValue = string | number | boolean | Date | null

export type JsonDocument = {[key: string]: JsonValue}

/** One generated row: the queryable columns besides `Id` and `JSON`, and the document (whose `Id` is the row's). */
export interface GeneratedDocument {
  readonly columns: Record<string, ColumnValue>
  readonly document: JsonDocument & {Id: string}
}

export interface GeneratorContext {
  readonly seed: number
  /** How many users exist, so events can name them. */
  readonly userCount: number
}

/**
 * Builds the documents of one table. Sensitive slots the generator knows are left `null`: the seeder fills
 * every catalog slot afterwards (creating the missing ones, so a new catalog entry is seeded too), except
 * `optionalPaths`, which the generator places only where they belong.
 */
export interface TableGenerator {
  readonly table: string
  /** Share of the generated documents, before the per-table minimum. */
  readonly weight: number
  readonly optionalPaths?: readonly string[]
  build(index: number, rng: Prng, context: GeneratorContext): GeneratedDocument
}

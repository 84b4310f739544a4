import {trickyMetadata} from '../tricky-json.js'
import type {TableGenerator} from './table-generator.js'

/**
 * Documents for a catalog table no specific generator knows: just an Id and a Name, the catalog walker
 * adds every sensitive slot. The table must exist in the schema for its rows to be written.
 */
export function genericGenerator(table: string): TableGenerator {
  return {
    table,
    weight: 0.03,
    build(index) {
      return {
        columns: {},
        document: {Id: `${table}s-${index + 1}`, Name: `${table} ${index + 1}`, Metadata: trickyMetadata(index)},
      }
    },
  }
}

import {randomBytes} from 'node:crypto'

import type {DocumentRow} from '../../../src/database/operations/documents.js'

/** The largest batch the command allows (`--batchSize` max): every statement must hold at this size. */
export const LARGEST_BATCH = 2000

/**
 * A value as stored encrypted: `base64(ciphertext)|base64(iv)` (docs/server-formats.md, "Master key and encrypted
 * values").
 */
function cipher(bytes = 48): string {
  return `${randomBytes(bytes).toString('base64')}|${randomBytes(16).toString('base64')}`
}

/** A document of the kind the catalog rewrites: Unicode, big integers, sensitive values, some already reset. */
function documentJson(table: string, index: number): string {
  const body = JSON.stringify({
    Id: `${table}-${index}`,
    Name: `${table} №${index} — “production” 東京`,
    Variables: [
      {Name: 'DbPassword', Type: 'Sensitive', Value: cipher()},
      {Name: 'Url', Type: 'String', Value: `https://example.com/${index}`},
      {Name: 'Reset', Type: 'Sensitive', Value: null},
    ],
    Password: cipher(),
    Links: {Self: `/api/${table}/${index}`},
  })
  // Written as text: a JS number cannot hold them, and the documents must carry them exactly.
  return `{"Version":9007199254740993,"Price":1.50,${body.slice(1)}`
}

/** `count` rows with Id, JSON and the given extra columns filled as a scrub would write them. */
export function documentRows(table: string, extraColumns: readonly string[], count = LARGEST_BATCH): DocumentRow[] {
  return Array.from({length: count}, (_, index) => {
    const row: DocumentRow = {Id: `${table}-${String(index).padStart(6, '0')}`, JSON: documentJson(table, index)}
    for (const column of extraColumns)
      row[column] = index % 7 === 0 ? null : `user-${randomBytes(4).toString('hex')} ${column}`
    return row
  })
}

import {setTimeout as sleep} from 'node:timers/promises'

import {CATALOG_TABLES} from '../../src/recovery/catalog/catalog.js'
import type {Measurement} from './measurement.js'
import type {PostgresCpu} from './postgres-cpu.js'
import type {SeededTemplate} from './seeded-template.js'

/** A child's measurement plus the CPU the database server spent meanwhile (undefined: not counted). */
export interface Run extends Measurement {
  readonly postgresCpuSeconds: number | undefined
}

/** The documents in the catalog's tables of a seeded template: the ones every run reads. */
export function catalogDocuments(template: SeededTemplate): number {
  return CATALOG_TABLES.reduce((sum, table) => sum + (template.seeded.documents[table] ?? 0), 0)
}

/**
 * Runs a measuring child on a fresh copy; every run must have read every catalog document, or its time means nothing.
 * With `cpu`, the database server's CPU meanwhile is counted too.
 */
export async function measureOnFreshCopy(
  template: SeededTemplate,
  what: string,
  child: () => Promise<Measurement>,
  cpu?: PostgresCpu,
): Promise<Run> {
  await template.freshCopy()
  // Lets the copy's backend exit, so its CPU is not counted as the run's.
  await sleep(200)
  const before = await cpu?.seconds()
  const measurement = await child()
  await sleep(200)
  const after = await cpu?.seconds()
  const expected = catalogDocuments(template)
  if (measurement.documents !== expected)
    throw new Error(`${what} read ${measurement.documents} documents, expected ${expected}`)
  return {...measurement, postgresCpuSeconds: before === undefined || after === undefined ? undefined : after - before}
}

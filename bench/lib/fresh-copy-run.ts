import {setTimeout as sleep} from 'node:timers/promises'

import {WaitSampler, type WaitTally} from './backend-waits.js'
import type {Measurement} from './measurement.js'
import type {PostgresCpu} from './postgres-cpu.js'
import type {BenchTemplate} from './bench-template.js'
import {sweptDocuments} from './swept-tables.js'

/** A child's measurement plus the CPU the database server spent meanwhile (undefined: not counted). */
export interface Run extends Measurement {
  readonly postgresCpuSeconds: number | undefined
  /** The wait events sampled in the child's longest transaction (undefined: not sampled). */
  readonly waits?: WaitTally
  /** What sampling them cost the server: the CPU seconds of the sampler's own backend. */
  readonly samplerBackendCpuSeconds?: number
}

/**
 * Runs a measuring child on a fresh copy; every run must have read every document of the tables the tool reads
 * (../lib/swept-tables.ts), or its time means nothing.
 * With `cpu`, the database server's CPU meanwhile is counted too; with `sampleWaits` (PostgreSQL only), the wait events
 * of the child's backends are sampled (backend-waits.ts).
 */
export async function measureOnFreshCopy(
  template: BenchTemplate,
  what: string,
  child: () => Promise<Measurement>,
  cpu?: PostgresCpu,
  sampleWaits = false,
): Promise<Run> {
  await template.freshCopy()
  const expected = await sweptDocuments(template.databaseUrl)
  // Lets the copy's backend exit, so its CPU is not counted as the run's.
  await sleep(200)
  const before = await cpu?.seconds()
  const sampler = sampleWaits ? await WaitSampler.start(template.databaseUrl) : undefined
  let sampled: Awaited<ReturnType<WaitSampler['stop']>> | undefined
  let measurement: Measurement
  try {
    measurement = await child()
  } finally {
    sampled = await sampler?.stop()
  }
  await sleep(200)
  const after = await cpu?.seconds()
  const waits = sampled?.tally
  if (measurement.documents !== expected)
    throw new Error(`${what} read ${measurement.documents} documents, expected ${expected}`)
  return {
    ...measurement,
    postgresCpuSeconds:
      before === undefined || after === undefined
        ? undefined
        : after - before - (sampled?.samplerBackendCpuSeconds ?? 0),
    ...(waits && {waits, samplerBackendCpuSeconds: sampled!.samplerBackendCpuSeconds}),
  }
}

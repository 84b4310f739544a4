import type {SeededInstance} from '../../../scripts/seeder/seed-instance.js'
import {splitKeys} from '../../support/split-key-database.js'
import type {Secret} from '../../support/secret-scan.js'

/** What preparing a seeded server added to its baseline and to the secrets no output may show. */
export interface Prepared {
  readonly candidateKeys?: readonly Buffer[]
  readonly secrets?: readonly Secret[]
}

/** Turns a freshly seeded lost-key server into a trial's starting point, before its baseline is taken. */
export type SourcePreparation = (server: {seeded: SeededInstance; databaseUrl: string}) => Promise<Prepared>

/**
 * The `--candidateKey` flag set's server: its values split over two old keys and the lost one (a restore from
 * another server, a half-done migration); the two old keys are the run's candidates, and secrets.
 */
export function splitOverOldKeys(seed: number): SourcePreparation {
  return async ({seeded, databaseUrl}) => {
    const {keyA, keyB} = await splitKeys(databaseUrl, seeded.masterKey, seed)
    return {
      candidateKeys: [keyA, keyB],
      secrets: [
        {name: 'candidate key A', value: keyA.toString('base64')},
        {name: 'candidate key B', value: keyB.toString('base64')},
      ],
    }
  }
}

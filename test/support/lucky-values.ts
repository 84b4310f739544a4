import {luckyValues} from './lucky-ciphertexts.js'
import {type LostServer, query} from './lost-server.js'

/** One value `rightKey` opens to `plaintext` and `wrongKey` opens too, by chance (lucky-ciphertexts.ts). */
export const luckyValue = (rightKey: Buffer, wrongKey: Buffer, plaintext: string, seed: number): string =>
  luckyValues(rightKey, wrongKey, [plaintext], seed).values[0]

/**
 * A variable set read first (its Id sorts before the seeder's) holding `values` as sensitive variables: values a
 * wrong key opens by chance (test/support/lucky-values.ts) are put where the key test's sample reads first.
 */
export const insertFirstVariableSet = (server: LostServer, values: string[]) =>
  query(server.database.url, `INSERT INTO "VariableSet" ("Id", "OwnerId", "JSON") VALUES ($1, $2, $3)`, [
    'VariableSets-0000',
    'Projects-0000',
    JSON.stringify({
      Id: 'VariableSets-0000',
      Variables: values.map((Value, i) => ({Id: `v${i}`, Name: `Lucky${i}`, Type: 'Sensitive', Value})),
    }),
  ])

import {randomInt} from 'node:crypto'

import {Prng} from '../../../../scripts/seeder/prng.js'

/** Set to replay a failed fuzz run: `JSON_FUZZ_SEED=1234 npx mocha ...`. */
export const FUZZ_SEED_VARIABLE = 'JSON_FUZZ_SEED'

/**
 * A PRNG for one fuzz test, seeded from JSON_FUZZ_SEED or at random; the seed is printed so any failure can be
 * replayed exactly.
 */
export function fuzzPrng(test: string): Prng {
  const given = process.env[FUZZ_SEED_VARIABLE]
  const seed = given === undefined ? randomInt(2 ** 31) : Number(given)
  if (!Number.isSafeInteger(seed)) throw new Error(`${FUZZ_SEED_VARIABLE} must be an integer, not ${given}`)
  console.log(`    ${test}: seed ${seed} (replay with ${FUZZ_SEED_VARIABLE}=${seed})`)
  return new Prng(seed, test)
}

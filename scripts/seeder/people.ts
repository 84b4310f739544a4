import {Prng} from './prng.js'

/**
 * The seeded users. A user is a pure function of (seed, index), so events can mention any user without the
 * seeder keeping them all in memory, and a test can rebuild the identities it needs. Names carry accents,
 * an apostrophe and regex metacharacters (`.`, `(`, `)`); usernames are the local part of the e-mail address
 * (as in real directories), and a zero-padded number keeps every value unique and never a prefix of another.
 */
export interface SeededUser {
  readonly id: string
  readonly username: string
  readonly displayName: string
  readonly emailAddress: string
}

const FIRST_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['Alice', 'alice'],
  ['Bruno', 'bruno'],
  ['Chloé', 'chloe'],
  ['Dmitri', 'dmitri'],
  ['Zoë', 'zoe'],
  ['José', 'jose'],
  ['Aiko', 'aiko'],
  ['Łukasz', 'lukasz'],
  ['Mei', 'mei'],
  ['Søren', 'soren'],
  ['Priya', 'priya'],
  ['Noah', 'noah'],
]

const LAST_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['Smith', 'smith'],
  ['Müller', 'muller'],
  ['Núñez', 'nunez'],
  ['Okafor', 'okafor'],
  ['Tanaka', 'tanaka'],
  ["O'Brien", 'obrien'],
  ['Nguyen', 'nguyen'],
  ['Åberg', 'aberg'],
]

export function seededUser(seed: number, index: number): SeededUser {
  const rng = new Prng(seed, `user:${index}`)
  const [first, firstSlug] = rng.pick(FIRST_NAMES)
  const [last, lastSlug] = rng.pick(LAST_NAMES)
  const number = String(index + 1).padStart(6, '0')
  const username = `${firstSlug}.${lastSlug}.${number}`
  return {
    id: `Users-${index + 1}`,
    username,
    displayName: `${first} ${last} (${number})`,
    emailAddress: `${username}@example.com`,
  }
}

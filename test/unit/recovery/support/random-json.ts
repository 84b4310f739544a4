import type {Prng} from '../../../../scripts/seeder/prng.js'

/** Keys as written in JSON text; `kA` is also written with an escape, so the two spellings are one key. */
const KEYS = ['"a"', '"b"', '"Type"', '"Value"', '"Name"', '"Password"', '"kA"', '"k\\u0041"', '"x.y"']
const STRING_PIECES = ['x', 'Grüße', '🚀', '\\u00e9', '\\"', '\\\\', '\\n', '|', '==', '\\/', ' ']

/**
 * Random JSON text (as written, escapes and all) that exercises what documents hold: keys that repeat in one
 * object, nesting past 512 levels, long strings, numbers beyond 2^53 and decimals like 1.50.
 */
export function randomJson(rng: Prng, depth = 0): string {
  const roll = rng.int(depth > 6 ? 6 : 9)
  switch (roll) {
    case 0:
      return rng.pick(['true', 'false', 'null'])
    case 1:
      return rng.pick(['0', '-12', '1.50', '9007199254740993', '1e5', '-0.0e-7', String(rng.int(1000))])
    case 2:
    case 3:
      return randomString(rng)
    case 4:
      return rng.chance(0.02) ? `"${'long '.repeat(20_000 + rng.int(20_000))}"` : randomString(rng)
    case 5: {
      // Deep nesting: past 512 levels (the old scanner's cap), as arrays and as objects.
      const levels = 1 + rng.int(rng.chance(0.1) ? 2000 : 8)
      const object = rng.chance(0.5)
      return (object ? '{"d":' : '[').repeat(levels) + randomString(rng) + (object ? '}' : ']').repeat(levels)
    }
    case 6:
    case 7: {
      const entries = Array.from({length: rng.int(5)}, () => `${rng.pick(KEYS)}:${randomJson(rng, depth + 1)}`)
      return `{${entries.join(rng.pick([',', ' , ', ',\n']))}}`
    }
    default:
      return `[${Array.from({length: rng.int(4)}, () => randomJson(rng, depth + 1)).join(',')}]`
  }
}

function randomString(rng: Prng): string {
  return `"${Array.from({length: rng.int(6)}, () => rng.pick(STRING_PIECES)).join('')}"`
}

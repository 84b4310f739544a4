import type {Prng} from './prng.js'

/**
 * Breaks a document's JSON the ways real damage looks: cut short (any proper prefix of an object is
 * invalid, and it is cut between characters), trailing garbage, or a quote swapped for an apostrophe.
 */
export function malform(text: string, rng: Prng): string {
  switch (rng.int(3)) {
    case 0: {
      let end = 1 + rng.int(text.length - 1)
      // Never between the halves of a surrogate pair: a lone surrogate cannot be stored as UTF-8 text.
      if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--
      return text.slice(0, end)
    }
    case 1:
      return `${text},}`
    default:
      return text.replace('"', "'")
  }
}

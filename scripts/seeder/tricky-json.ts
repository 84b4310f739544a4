import {RawJson} from './raw-json.js'

/**
 * Non-sensitive text that a careless parse-and-stringify destroys: an integer beyond 2^53, decimals whose
 * spelling matters (`1.50`, `1e5`, `-0.0`), `\u` escapes (including a surrogate pair), an escaped slash,
 * an integer-like key after named ones (a JS object would move it first), nested arrays and inner spaces.
 * The reset tests prove these bytes survive; the revision differs per document so no two are alike.
 */
export function trickyMetadata(index: number): RawJson {
  const revision = (9007199254740993n + BigInt(index) * 2n).toString()
  return new RawJson(
    `{"Revision":${revision},"Ratio":1.50,"Scale":1e5,"Offset":-0.0,"Order":{"z":1,"b":2,"10":3,"a":[]},` +
      `"Nested":[[1,[2,[3,[]]]],{"k":[{}]}],"Note":"Gr\\u00fc\\u00dfe \\ud83d\\ude80 \\u00e9","Text":"Grüße 🚀 é",` +
      `"Escaped":"tab\\there \\"quoted\\" \\/slash","Spaced": [1, 2 ,  3]}`,
  )
}

/** A short Unicode text whose escapes must stay escapes. */
export const ESCAPED_UNICODE = new RawJson('"Gr\\u00fc\\u00dfe \\ud83d\\ude80 \\u00e9"')

/** A price-like decimal whose trailing zero is part of its meaning. */
export const DECIMAL_WITH_ZERO = new RawJson('1.50')

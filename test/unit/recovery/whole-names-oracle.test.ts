import {expect} from 'chai'

import {isWholeAt, WholeNameReplacer} from '../../../src/recovery/pii/whole-names.js'
import {findCiphertexts} from '../../../src/recovery/reset/uncataloged-ciphertexts.js'
import {parseJsonTree, scalarValue, type JsonNode} from '../../../src/recovery/json/json-tree.js'
import {isSensitiveValueShape} from '../../../src/crypto/sensitive-value.js'
import {fuzzPrng} from './support/fuzz-seed.js'

/**
 * Oracles for two rewrites made for speed (issue 13): each is compared with the plain form it replaced, on seeded
 * random input. A plain alternation, longest name first, searched from left to right, boundaries checked after.
 */
function replaceByAlternation(replacements: ReadonlyMap<string, string>, text: string): string {
  const names = [...replacements.keys()].sort((a, b) => b.length - a.length)
  const pattern = new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
  let result = ''
  let copied = 0
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index
    let name: string | undefined
    for (let length = match[0].length; length > 0 && name === undefined; length--) {
      const candidate = match[0].slice(0, length)
      if (replacements.has(candidate) && isWholeAt(text, start, start + length)) name = candidate
    }
    if (name === undefined) {
      pattern.lastIndex = start + 1
      continue
    }
    result += text.slice(copied, start) + replacements.get(name)!
    copied = start + name.length
    pattern.lastIndex = copied
  }
  return copied === 0 ? text : result + text.slice(copied)
}

/** The sweep as first written: every node walked recursively, a path built for each. */
function ciphertextPaths(text: string): string[] {
  const found: string[] = []
  const walk = (node: JsonNode, path: string) => {
    if (node.type === 'object')
      for (const entry of node.entries) walk(entry.value, path ? `${path}.${entry.key}` : entry.key)
    else if (node.type === 'array') node.items.forEach((item, index) => walk(item, `${path}[${index}]`))
    else if (node.type === 'string' && isSensitiveValueShape(scalarValue(text, node))) found.push(path)
  }
  walk(parseJsonTree(text), '')
  return found
}

const CIPHERTEXT = 'q83vEjRWeJq83vEjRWeJqw==|AAECAwQFBgcICQoLDA0ODw=='

describe('rewrites for speed agree with the plain forms they replaced', () => {
  it('WholeNameReplacer replaces what a plain alternation of the names finds (seeded)', () => {
    const rng = fuzzPrng('whole-names oracle')
    const alphabet = ['a', 'b', 'c', 'A', '.', '-', '@', ' ', '_', 'é', '🚀', '(', ')', '|', '\\', '$', '1']
    const word = (length: number) => Array.from({length}, () => rng.pick(alphabet)).join('')
    for (let round = 0; round < 3000; round++) {
      const replacements = new Map<string, string>()
      for (let i = 1 + rng.int(10); i > 0; i--) replacements.set(word(1 + rng.int(6)), `user-${i}`)
      const text = word(rng.int(60))
      expect(
        new WholeNameReplacer(replacements).replace(text),
        `${JSON.stringify([...replacements])} in ${JSON.stringify(text)}`,
      ).to.equal(replaceByAlternation(replacements, text))
    }
  })

  it('the uncataloged sweep finds the paths a full recursive walk finds, including keys that look like paths', () => {
    const documents = [
      `"${CIPHERTEXT}"`,
      `[1, "${CIPHERTEXT}", [["${CIPHERTEXT}"]]]`,
      `{"[0]": {"a.b": "${CIPHERTEXT}", "": ["${CIPHERTEXT}"]}, "x": [{"Name": "n", "v": "${CIPHERTEXT}"}]}`,
      `{"Steps": [{"Actions": [{"Properties": {"Secret": "${CIPHERTEXT}", "Short": "a|b"}}]}], "Name": "outer"}`,
    ]
    for (const text of documents)
      expect(findCiphertexts(text).found.map((found) => found.path)).to.deep.equal(ciphertextPaths(text))
  })
})

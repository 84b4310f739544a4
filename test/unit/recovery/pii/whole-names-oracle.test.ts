import {expect} from 'chai'

import {isWholeAt, WholeNameReplacer} from '../../../../src/recovery/pii/whole-names.js'
import {findCiphertexts} from '../../../../src/recovery/catalog/uncataloged-ciphertexts.js'
import {parseJsonTree, scalarValue, type JsonNode} from '../../../../src/recovery/json/json-tree.js'
import {isSensitiveValueShape} from '../../../../src/crypto/sensitive-value.js'
import {fuzzPrng} from '../support/fuzz-seed.js'
import type {Prng} from '../../../../scripts/seeder/prng.js'
import {type JsonEdit, spliceJson} from '../../../../src/recovery/json/json-splice.js'
import {type InProperty, type Replace, rewriteJsonStrings} from '../../../../src/recovery/json/rewrite-json-strings.js'

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

/**
 * What WholeNameReplacer makes of `text`, which must be the same whether `text` is searched alone or in place as a
 * span between quotes (as the scrub searches a JSON string in its document).
 */
function replaced(replacements: ReadonlyMap<string, string>, text: string): string {
  const replacer = new WholeNameReplacer(replacements)
  const alone = replacer.replaceIn(text, 0, text.length) ?? text
  const quoted = `{"k":"${text}"}`
  expect(replacer.replaceIn(quoted, 6, 6 + text.length) ?? text, `in place in ${quoted}`).to.equal(alone)
  return alone
}

/** The last `Name` of an object node when it is a string. */
function nameOf(text: string, node: JsonNode): string | undefined {
  if (node.type !== 'object') return undefined
  const value = node.entries.filter((entry) => entry.key === 'Name').at(-1)?.value
  return value?.type === 'string' ? (scalarValue(text, value) as string) : undefined
}

/**
 * The sweep as first written: the whole tree built, every node walked recursively, a path built for each, the name
 * inherited from the nearest object whose last `Name` is a string.
 */
function ciphertextsByWalk(text: string): Array<{path: string; name: string | undefined; ciphertext: string}> {
  const found: Array<{path: string; name: string | undefined; ciphertext: string}> = []
  const walk = (node: JsonNode, path: string, inherited: string | undefined) => {
    const name = nameOf(text, node) ?? inherited
    if (node.type === 'object')
      for (const entry of node.entries) walk(entry.value, path ? `${path}.${entry.key}` : entry.key, name)
    else if (node.type === 'array') node.items.forEach((item, index) => walk(item, `${path}[${index}]`, name))
    else if (node.type === 'string' && isSensitiveValueShape(scalarValue(text, node)))
      found.push({path, name, ciphertext: scalarValue(text, node) as string})
  }
  walk(parseJsonTree(text), '', undefined)
  return found
}

const ciphertextPaths = (text: string) => ciphertextsByWalk(text).map((found) => found.path)

const CIPHERTEXT = 'q83vEjRWeJq83vEjRWeJqw==|AAECAwQFBgcICQoLDA0ODw=='

/** A random document of keys and strings that look like names, paths and ciphertexts, escaped or not. */
function randomDocument(rng: Prng): () => string {
  const escapedCiphertext = JSON.stringify(CIPHERTEXT)
    .replace('|', String.raw`\u007c`)
    .replaceAll('/', '\\/')
  const keys = ['Name', 'N\\u0061me', 'Value', 'a.b', '', '[0]', 'Items', 'x']
  const scalars = [
    `"${CIPHERTEXT}"`,
    escapedCiphertext,
    '"a|b"',
    `"${CIPHERTEXT.slice(1)}"`,
    '"name one"',
    '"line\\nbreak"',
    '12',
    'null',
    'true',
  ]
  const value = (depth: number): string => {
    const roll = rng.int(10)
    if (depth > 6 || roll < 5) return rng.pick(scalars)
    const count = rng.int(5)
    if (roll < 8) {
      const entries = Array.from({length: count}, () => `"${rng.pick(keys)}": ${value(depth + 1)}`)
      return `{${entries.join(', ')}}`
    }
    return `[${Array.from({length: count}, () => value(depth + 1)).join(',')}]`
  }
  return () => value(0)
}

/** The rewrite as first written: the whole tree built, every string visited with the property that holds it. */
function rewriteByWalk(text: string, replace: Replace) {
  const edits: JsonEdit[] = []
  const walk = (node: JsonNode, property: string | undefined) => {
    if (node.type === 'object') for (const entry of node.entries) walk(entry.value, entry.key)
    else if (node.type === 'array') for (const item of node.items) walk(item, undefined)
    else if (node.type === 'string') {
      const value = scalarValue(text, node) as string
      const replacement = replace(value, 0, value.length, (name) => name === property)
      if (replacement !== undefined)
        edits.push({start: node.start, end: node.end, replacement: JSON.stringify(replacement)})
    }
  }
  walk(parseJsonTree(text), undefined)
  return edits.length > 0 ? spliceJson(text, edits) : undefined
}

describe('rewrites for speed agree with the plain forms they replaced', () => {
  it('WholeNameReplacer replaces what a plain alternation of the names finds (seeded)', () => {
    const rng = fuzzPrng('whole-names oracle')
    const alphabet = ['a', 'b', 'c', 'A', '.', '-', '@', ' ', '_', 'é', '🚀', '(', ')', '|', '\\', '$', '1']
    const word = (length: number) => Array.from({length}, () => rng.pick(alphabet)).join('')
    // Every other round, every name starts with a word's character: the search then skips positions inside words.
    const wordStarts = ['a', 'b', 'A', 'é', '1', '_']
    for (let round = 0; round < 3000; round++) {
      const replacements = new Map<string, string>()
      const first = () => (round % 2 === 0 ? rng.pick(wordStarts) : '')
      for (let i = 1 + rng.int(10); i > 0; i--) replacements.set(first() + word(1 + rng.int(6)), `user-${i}`)
      const text = word(rng.int(60))
      expect(replaced(replacements, text), `${JSON.stringify([...replacements])} in ${JSON.stringify(text)}`).to.equal(
        replaceByAlternation(replacements, text),
      )
    }
  })

  it('WholeNameReplacer agrees with the alternation on names that extend, overlap and sit at edges (seeded)', () => {
    const rng = fuzzPrng('whole-names crafted oracle')
    // Names sharing long prefixes (as many people share a first and last name), each a prefix of some other, in
    // both cases, in several scripts and with surrogate pairs; the pieces of text around them are boundaries,
    // joiners or word characters.
    const stems = ['dmitri', 'Dmitri', 'dmitri.smith', 'Dmitri Smith', 'Zoë', 'zoë', 'Łukasz', '🚀ops', 'ops🚀', 'a']
    const tails = ['', '.', '.0001', '.0002', '.000', '@example.com', ' (0001)', ' (000', 'é', '🚀', '-x', ')']
    const between = [' ', '', '.', '-', '@', '(', ')', "'", ',', 'é', 'x', '🚀', '\n', '_', '1']
    for (let round = 0; round < 3000; round++) {
      const replacements = new Map<string, string>()
      for (let i = 1 + rng.int(12); i > 0; i--) replacements.set(rng.pick(stems) + rng.pick(tails), `user-${i}`)
      const names = [...replacements.keys()]
      const piece = () => {
        const name = rng.pick(names)
        const roll = rng.int(3)
        return roll === 0 ? name : roll === 1 ? name.slice(0, rng.int(name.length)) : name + rng.pick(tails)
      }
      const text = Array.from({length: rng.int(6)}, () => rng.pick(between) + piece() + rng.pick(between)).join('')
      expect(replaced(replacements, text), `${JSON.stringify([...replacements])} in ${JSON.stringify(text)}`).to.equal(
        replaceByAlternation(replacements, text),
      )
    }
  })

  it('WholeNameReplacer agrees with the alternation when many names branch at every step (seeded)', () => {
    const rng = fuzzPrng('whole-names wide oracle')
    // Many first code units at each node of the trie (its children are searched by halves), one-byte, two-byte
    // and surrogate halves among them, with short names that are prefixes of longer ones.
    const units = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_éŁ中🚀']
    const word = (length: number) => Array.from({length}, () => rng.pick(units)).join('')
    const between = [' ', '.', '-', '@', '(', 'x', 'é', '🚀', '']
    for (let round = 0; round < 200; round++) {
      const replacements = new Map<string, string>()
      for (let i = 100 + rng.int(100); i > 0; i--) replacements.set(word(1 + rng.int(4)), `user-${i}`)
      const names = [...replacements.keys()]
      const piece = () => {
        const name = rng.pick(names)
        return rng.int(3) === 0 ? name.slice(0, 1 + rng.int(name.length)) : name
      }
      const text = Array.from({length: rng.int(12)}, () => rng.pick(between) + piece() + rng.pick(between)).join('')
      expect(replaced(replacements, text), `${JSON.stringify([...replacements])} in ${JSON.stringify(text)}`).to.equal(
        replaceByAlternation(replacements, text),
      )
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
      expect(findCiphertexts(text).map((found) => found.path)).to.deep.equal(ciphertextPaths(text))
  })

  it('the sweep inside the one parse finds what the walk of a whole tree finds, with names (seeded)', () => {
    const rng = fuzzPrng('uncataloged sweep oracle')
    const value = randomDocument(rng)
    let found = 0
    for (let round = 0; round < 2000; round++) {
      const text = value()
      const swept = findCiphertexts(text).map(({path, name, ciphertext}) => ({path, name, ciphertext}))
      expect(swept, text).to.deep.equal(ciphertextsByWalk(text))
      found += swept.length
    }
    expect(found, 'the documents held ciphertexts to find').to.be.greaterThan(100)
  })

  it('rewriting strings while the parse goes by edits what a walk of the whole tree edits (seeded)', () => {
    const rng = fuzzPrng('string rewrite oracle')
    const value = randomDocument(rng)
    // Like the scrub: one property's strings cleared, some values replaced wherever they are.
    const replace = (source: string, start: number, end: number, inProperty: InProperty) => {
      if (inProperty('Name')) return null
      const value = source.slice(start, end)
      return value.includes('name') ? value.replaceAll('name', 'user-1') : undefined
    }
    let changed = 0
    for (let round = 0; round < 2000; round++) {
      const text = value()
      const rewritten = rewriteJsonStrings(text, replace)
      expect(rewritten, text).to.equal(rewriteByWalk(text, replace))
      if (rewritten !== undefined) changed++
    }
    expect(changed, 'the documents had strings to rewrite').to.be.greaterThan(100)
  })
})

import {expect} from 'chai'

import {SENSITIVE_CATALOG} from '../../../../src/recovery/catalog/catalog.js'
import {spliceJson} from '../../../../src/recovery/json/json-splice.js'
import {
  entryOf,
  MalformedJsonError,
  parseJsonDocument,
  parseJsonTree,
  scalarValue,
  type JsonNode,
} from '../../../../src/recovery/json/json-tree.js'
import {rewriteJsonStrings} from '../../../../src/recovery/json/rewrite-json-strings.js'
import {sensitiveInterest, sensitiveLeaves} from '../../../../src/recovery/catalog/sensitive-leaves.js'
import {fuzzPrng} from '../support/fuzz-seed.js'
import {randomJson} from '../support/random-json.js'

/**
 * Turns a tree back into a plain value, decoding scalars from the source text, to compare with JSON.parse (a repeated
 * key keeps its first place and its last value, as JSON.parse and the server read it). With an explicit stack, not
 * recursion: the fuzz test's random documents nest thousands deep now and then, past what the stack survives.
 */
function toValue(text: string, root: JsonNode): unknown {
  const shell = (node: JsonNode): unknown => {
    if (node.type === 'object') return {}
    if (node.type === 'array') return []
    const value = scalarValue(text, node)
    return node.type === 'number' ? Number(value) : value
  }
  const top = shell(root)
  const pending: Array<[JsonNode, unknown]> = [[root, top]]
  while (pending.length > 0) {
    const [node, value] = pending.pop()!
    const children = node.type === 'object' ? node.entries : node.type === 'array' ? node.items : []
    for (const child of children) {
      const childNode = 'key' in child ? child.value : child
      const made = shell(childNode)
      // As JSON.parse defines a property (even one named __proto__), not as an assignment would set it.
      if ('key' in child)
        Object.defineProperty(value, child.key, {value: made, enumerable: true, writable: true, configurable: true})
      else (value as unknown[]).push(made)
      pending.push([childNode, made])
    }
  }
  return top
}

const VALID = [
  '{}',
  '[]',
  ' {"a" : 1 , "b":[true,false,null]} ',
  '{"big":9007199254740993,"dec":1.50,"exp":1e5,"neg":-0.0e-7}',
  '{"u":"Grüße 🚀 \\u00e9 \\ud83d\\ude80","esc":"\\"\\\\\\/\\b\\f\\n\\r\\t"}',
  '"just a string"',
  '-12',
  '{"nested":{"deep":[[[{"x":[]}]]]}}',
  '{"\\u0041key":"v"}',
  '{"a":1,"b":2,"a":3}',
  '{"Type":"String","Value":"x","Type":"Sensitive"}',
  '[' + '{"d":['.repeat(600) + '1' + ']}'.repeat(600) + ']',
  // Pretty-printed: control characters between tokens, none in a string.
  '{\n\t"a": "x",\r\n\t"b": ["y\\n", "z\\"q"]\n}',
]

const INVALID = [
  '',
  '{',
  '{"a":}',
  '{"a":1,}',
  '[1,]',
  '{a:1}',
  "{'a':1}",
  '01',
  '1.',
  '.5',
  '1e',
  '+1',
  '"\\x"',
  '"\\u12G4"',
  '"tab\there"',
  '{\n"a": "new\nline"}',
  '["a", "\u0001"]',
  '["a\\"]',
  '{"a":1} x',
  'tru',
  'NaN',
  '{"a" 1}',
  '[1 2]',
  '\ufeff{}',
]

describe('parseJsonTree', () => {
  it('accepts what JSON.parse accepts, with the same values', () => {
    for (const text of VALID) {
      expect(toValue(text, parseJsonTree(text)), text).to.deep.equal(JSON.parse(text))
    }
  })

  it('rejects what JSON.parse rejects', () => {
    for (const text of INVALID) {
      expect(() => JSON.parse(text), `JSON.parse(${text})`).to.throw()
      expect(() => parseJsonTree(text), text).to.throw(MalformedJsonError)
    }
  })

  it('agrees with JSON.parse on random documents and random mutations of them (seeded)', function () {
    this.timeout(30_000)
    const rng = fuzzPrng('json-tree fuzz')
    const alphabet = '{}[]":,0123456789.eE+-tfnul \\abc\n\t\u0001'
    let accepted = 0
    let rejected = 0
    let deep = 0
    let duplicated = 0
    for (let i = 0; i < 3000; i++) {
      const base = i % 3 === 0 ? VALID[rng.int(VALID.length)] : randomJson(rng)
      const at = rng.int(base.length + 1)
      const text = rng.chance(0.3)
        ? base
        : base.slice(0, at) + alphabet[rng.int(alphabet.length)] + base.slice(at + rng.int(2))
      let native: unknown
      let nativeOk = true
      try {
        native = JSON.parse(text)
      } catch {
        nativeOk = false
      }
      let ours: unknown
      let oursOk = true
      try {
        ours = toValue(text, parseJsonTree(text))
      } catch (error) {
        // Only a clean MalformedJsonError, never a RangeError from a deep stack.
        expect(error, text.slice(0, 200)).to.be.instanceOf(MalformedJsonError)
        oursOk = false
      }
      expect(oursOk, text.slice(0, 200)).to.equal(nativeOk)
      // Compared as text: chai's deep equality recurses too deep for the deepest inputs. Key order is the same on
      // both sides (a repeated key keeps its first place), so equal text means equal values.
      if (nativeOk) expect(JSON.stringify(ours), text.slice(0, 200)).to.equal(JSON.stringify(native))
      if (oursOk) {
        accepted++
        if (/(\[|\{"d":){513}/.test(text)) deep++
        if (parseJsonDocument(text).duplicateKeys) duplicated++
      } else {
        rejected++
      }
    }
    // The inputs must have reached every case this test is for, or its agreement proves little.
    expect(accepted, 'valid inputs').to.be.greaterThan(300)
    expect(rejected, 'invalid inputs').to.be.greaterThan(300)
    expect(deep, 'valid inputs nested past 512').to.be.greaterThan(0)
    expect(duplicated, 'valid inputs with a repeated key').to.be.greaterThan(0)
  })

  it('reads nesting of any depth, and ends hostile nesting with MalformedJsonError, not a stack overflow', function () {
    this.timeout(30_000)
    // Far past what recursion survives (about 10,000 frames).
    const depth = 200_000
    const deep = '{"d":'.repeat(depth) + '"x"' + '}'.repeat(depth)
    expect(() => JSON.parse(deep)).to.not.throw()
    let node: JsonNode | undefined = parseJsonTree(deep)
    let levels = 0
    while (node?.type === 'object') {
      node = entryOf(node, 'd')
      levels++
    }
    expect(levels).to.equal(depth)
    expect(rewriteJsonStrings(deep, () => 'y')).to.equal(deep.replace('"x"', '"y"'))
    // As the reset parses: containers it does not build cost a byte each.
    expect(() => parseJsonTree('['.repeat(10_000_000), sensitiveInterest(SENSITIVE_CATALOG[1]))).to.throw(
      MalformedJsonError,
      'unexpected end',
    )
    expect(() => parseJsonTree('['.repeat(1_000_000))).to.throw(MalformedJsonError, 'unexpected end')
    expect(() => parseJsonTree('['.repeat(100_000) + ']'.repeat(99_999) + '}')).to.throw(
      MalformedJsonError,
      "expected ',' or ']'",
    )
  })

  it('reads a repeated key as the server does (the last one) and says that the document repeats one', () => {
    const text = '{"Type":"String","Inner":{"k":1,"k":2},"Type":"Sensitive"}'
    const {root, duplicateKeys} = parseJsonDocument(text)
    expect(scalarValue(text, entryOf(root, 'Type')!)).to.equal('Sensitive')
    expect(scalarValue(text, entryOf(entryOf(root, 'Inner')!, 'k')!)).to.equal('2')
    expect(duplicateKeys).to.equal(true)
    expect(parseJsonDocument('{"Type":"a","Inner":{"Type":"b"}}').duplicateKeys).to.equal(false)
    // Spelled differently, the same key: an escape decodes to the same name.
    expect(parseJsonDocument('{"kA":1,"k\\u0041":2}').duplicateKeys).to.equal(true)
    const many = `{${Array.from({length: 40}, (_, i) => `"k${i}":${i}`).join(',')},"k7":0}`
    expect(parseJsonDocument(many).duplicateKeys, 'a repeat among many keys').to.equal(true)
  })

  it('records spans that splice exactly one value and keep every other byte', () => {
    const text = '{ "keep": 9007199254740993, "x" : "secret",\n "after": 1.50 }'
    const root = parseJsonTree(text)
    if (root.type !== 'object') throw new Error('expected an object')
    const x = root.entries[1].value
    expect(text.slice(x.start, x.end)).to.equal('"secret"')
    expect(spliceJson(text, [{start: x.start, end: x.end, replacement: 'null'}])).to.equal(
      '{ "keep": 9007199254740993, "x" : null,\n "after": 1.50 }',
    )
  })
})

describe('parseJsonTree with an interest (what the reset parses)', () => {
  const documents: Record<string, string> = {
    VariableSet:
      '{"Id":"v","Variables":[{"Name":"a","Type":"Sensitive","Value":"x|y"},{"Name":"b","Type":"String",' +
      '"Value":"1.50"},{"Name":"c","Type":"Sensitive","Value":null}],"Big":9007199254740993}',
    Account:
      '{"Name":"n","AccountType":"SshKeyPair","PrivateKeyFile":"k","PrivateKeyPassphrase":"p",' +
      '"Other":{"Password":"no"}}',
    DeploymentProcess:
      '{"Steps":[{"Name":"s","Actions":[{"Name":"a1","SensitiveProperties":{"P":"v","Q":null}},{"Name":"a2"}]}]}',
    ActionTemplate:
      '{"Name":"t","SensitiveProperties":{"K":"v"},"Parameters":[{"Name":"p","DefaultValue":"d",' +
      '"DisplaySettings":{"Octopus.ControlType":"Sensitive"}}]}',
    Machine: '{"Name":"m","Endpoint":{"CommunicationStyle":"OfflineDrop","SensitiveVariablesEncryptionPassword":"e"}}',
    TenantVariable: '{"Name":"tv","IsSensitive":true,"Value":"v","Nested":[[{"Value":1}]]}',
  }
  const summary = (text: string, root: JsonNode, table: (typeof SENSITIVE_CATALOG)[number]) =>
    sensitiveLeaves(text, root, table, 'smtp').map((l) => [l.path, l.label, l.node.start, l.node.end, l.node.type])

  it('accepts and rejects exactly what the full parse does, and finds the same leaves (seeded)', () => {
    const rng = fuzzPrng('json-tree interest fuzz')
    for (const table of SENSITIVE_CATALOG) {
      const base = documents[table.table]
      if (!base) continue
      const interest = sensitiveInterest(table)
      let withLeaves = 0
      let rejected = 0
      for (let i = 0; i < 400; i++) {
        const at = rng.int(base.length + 1)
        const text = i === 0 ? base : base.slice(0, at) + '{}[]":,0-tnul\\ 1'[rng.int(16)] + base.slice(at + rng.int(2))
        let full: JsonNode | undefined
        let pruned: JsonNode | undefined
        try {
          full = parseJsonTree(text)
        } catch {
          full = undefined
        }
        try {
          pruned = parseJsonTree(text, interest)
        } catch {
          pruned = undefined
        }
        expect(pruned === undefined, text).to.equal(full === undefined)
        if (full && pruned) {
          const leaves = summary(text, pruned, table)
          expect(leaves, text).to.deep.equal(summary(text, full, table))
          if (leaves.length > 0) withLeaves++
        } else {
          rejected++
        }
      }
      // Both sides of the comparison must have been exercised, with leaves to compare.
      expect(withLeaves, `${table.table}: valid mutations with leaves`).to.be.greaterThan(10)
      expect(rejected, `${table.table}: invalid mutations`).to.be.greaterThan(50)
      expect(summary(base, parseJsonTree(base, interest), table).length, table.table).to.be.greaterThan(0)
    }
  })
})

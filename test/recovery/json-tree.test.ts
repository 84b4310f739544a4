import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import {SENSITIVE_CATALOG} from '../../src/recovery/catalog.js'
import {spliceJson} from '../../src/recovery/json/json-splice.js'
import {MalformedJsonError, parseJsonTree, scalarValue, type JsonNode} from '../../src/recovery/json/json-tree.js'
import {sensitiveInterest, sensitiveLeaves} from '../../src/recovery/sensitive-leaves.js'

/** Turns a tree back into a plain value, decoding scalars from the source text, to compare with JSON.parse. */
function toValue(text: string, node: JsonNode): unknown {
  if (node.type === 'object') return Object.fromEntries(node.entries.map((e) => [e.key, toValue(text, e.value)]))
  if (node.type === 'array') return node.items.map((item) => toValue(text, item))
  const value = scalarValue(text, node)
  return node.type === 'number' ? Number(value) : value
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

  it('agrees with JSON.parse on random mutations of valid documents', () => {
    const alphabet = '{}[]":,0123456789.eE+-tfnul \\abc'
    let agreed = 0
    for (let i = 0; i < 3000; i++) {
      const base = VALID[i % VALID.length]
      const bytes = randomBytes(3)
      const at = bytes[0] % (base.length + 1)
      const text = base.slice(0, at) + alphabet[bytes[1] % alphabet.length] + base.slice(at + (bytes[2] % 2))
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
      } catch {
        oursOk = false
      }
      expect(oursOk, text).to.equal(nativeOk)
      if (nativeOk) expect(ours, text).to.deep.equal(native)
      agreed++
    }
    expect(agreed).to.equal(3000)
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
    VariableSet: '{"Id":"v","Variables":[{"Name":"a","Type":"Sensitive","Value":"x|y"},{"Name":"b","Type":"String","Value":"1.50"},{"Name":"c","Type":"Sensitive","Value":null}],"Big":9007199254740993}',
    Account: '{"Name":"n","AccountType":"SshKeyPair","PrivateKeyFile":"k","PrivateKeyPassphrase":"p","Other":{"Password":"no"}}',
    DeploymentProcess: '{"Steps":[{"Name":"s","Actions":[{"Name":"a1","SensitiveProperties":{"P":"v","Q":null}},{"Name":"a2"}]}]}',
    ActionTemplate: '{"Name":"t","SensitiveProperties":{"K":"v"},"Parameters":[{"Name":"p","DefaultValue":"d","DisplaySettings":{"ControlType":"Sensitive"}}]}',
    Machine: '{"Name":"m","Endpoint":{"CommunicationStyle":"OfflineDrop","SensitiveVariablesEncryptionPassword":"e"}}',
    TenantVariable: '{"Name":"tv","IsSensitive":true,"Value":"v","Nested":[[{"Value":1}]]}',
  }
  const summary = (text: string, root: JsonNode, table: (typeof SENSITIVE_CATALOG)[number]) =>
    sensitiveLeaves(text, root, table, 'smtp').map((l) => [l.path, l.label, l.node.start, l.node.end, l.node.type])

  it('accepts and rejects exactly what the full parse does, and finds the same leaves', () => {
    let compared = 0
    for (const table of SENSITIVE_CATALOG) {
      const base = documents[table.table]
      if (!base) continue
      const interest = sensitiveInterest(table)
      for (let i = 0; i < 400; i++) {
        const bytes = randomBytes(3)
        const at = bytes[0] % (base.length + 1)
        const text = i === 0 ? base : base.slice(0, at) + '{}[]":,0-tnul\\ 1'[bytes[1] % 16] + base.slice(at + (bytes[2] % 2))
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
        if (full && pruned) expect(summary(text, pruned, table), text).to.deep.equal(summary(text, full, table))
        compared++
      }
      expect(summary(base, parseJsonTree(base, interest), table).length, table.table).to.be.greaterThan(0)
    }
    expect(compared).to.equal(6 * 400)
  })
})

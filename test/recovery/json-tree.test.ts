import {expect} from 'chai'
import {randomBytes} from 'node:crypto'

import {spliceJson} from '../../src/recovery/json/json-splice.js'
import {MalformedJsonError, parseJsonTree, scalarValue, type JsonNode} from '../../src/recovery/json/json-tree.js'

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

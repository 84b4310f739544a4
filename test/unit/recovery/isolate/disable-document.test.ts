import {expect} from 'chai'

import {disableDocument} from '../../../../src/recovery/isolate/disable-document.js'
import {fuzzPrng} from '../support/fuzz-seed.js'
import {randomJson} from '../support/random-json.js'

/** The rewritten text, failing when the document was not rewritten. */
function rewritten(json: string): string {
  const result = disableDocument(json)
  if (result.kind !== 'rewritten') throw new Error(`expected a rewrite of ${json}, got ${result.kind}`)
  return result.json
}

/**
 * The top-level members other than IsDisabled, as the server reads them, as canonical text: a random document may
 * nest deeper than chai's recursive deep equality can walk, and JSON.stringify keeps the member order JSON.parse read.
 */
function withoutDisabled(json: string): string {
  const document = JSON.parse(json) as Record<string, unknown>
  delete document.IsDisabled
  return JSON.stringify(document)
}

describe('disableDocument: IsDisabled true in a document, every other byte kept', () => {
  it('replaces a false, and only the top-level property, keeping every other byte', () => {
    const json =
      '{"Id":"Machines-1","Ratio":1.50,"Big":9007199254740993,"IsDisabled":false,' +
      '"Endpoint":{"IsDisabled":false},"Note":"Gr\\u00fc\\u00dfe"}'
    expect(rewritten(json)).to.equal(json.replace('"IsDisabled":false,', '"IsDisabled":true,'))
  })

  it('appends the property when it is absent, before the whitespace that closes the object', () => {
    expect(rewritten('{"Id":"Workers-1"}')).to.equal('{"Id":"Workers-1","IsDisabled":true}')
    expect(rewritten('{\n  "Id": "Workers-1"\n}\n')).to.equal('{\n  "Id": "Workers-1","IsDisabled":true\n}\n')
    expect(rewritten('{}')).to.equal('{"IsDisabled":true}')
    expect(rewritten(' { } ')).to.equal(' {"IsDisabled":true } ')
  })

  it('sets every copy of a repeated key, so whichever a reader takes says disabled', () => {
    expect(rewritten('{"IsDisabled":true,"a":1,"IsDisabled":false}')).to.equal(
      '{"IsDisabled":true,"a":1,"IsDisabled":true}',
    )
    expect(rewritten('{"IsDisabled":false,"IsDisabled":true}')).to.equal('{"IsDisabled":true,"IsDisabled":true}')
  })

  it('reads an escaped key as the key it spells, and replaces any value that is not true', () => {
    expect(rewritten('{"Is\\u0044isabled":false}')).to.equal('{"Is\\u0044isabled":true}')
    for (const value of ['"true"', 'null', '0', '{"a":[1]}', '[true]'])
      expect(rewritten(`{"IsDisabled": ${value} }`)).to.equal('{"IsDisabled": true }')
  })

  it('leaves a document that already says true as it is', () => {
    expect(disableDocument('{"IsDisabled":true}')).to.deep.equal({kind: 'already'})
    expect(disableDocument('{"IsDisabled" : true, "IsDisabled":true}')).to.deep.equal({kind: 'already'})
  })

  it('calls malformed JSON, and JSON that is not an object, malformed', () => {
    for (const json of ['{"IsDisabled":false', '', 'not json', '[{"IsDisabled":false}]', '"IsDisabled"', 'null'])
      expect(disableDocument(json), json).to.deep.equal({kind: 'malformed'})
  })

  it('on random documents: the server reads IsDisabled true and every other member as it was', () => {
    const rng = fuzzPrng('disable-document')
    const disabledKeys = ['"IsDisabled"', '"Is\\u0044isabled"']
    for (let round = 0; round < 3000; round++) {
      const members = Array.from({length: rng.int(6)}, () => {
        const key = rng.chance(0.3) ? rng.pick(disabledKeys) : `"k${rng.int(5)}"`
        const value = rng.chance(0.3) ? rng.pick(['true', 'false', 'null', '"true"']) : randomJson(rng)
        return `${key}${rng.pick([':', ' : '])}${value}`
      })
      const json = `${rng.pick(['', ' '])}{${members.join(rng.pick([',', ', ', ',\n']))}${rng.pick(['', '\n'])}}`
      const label = json.slice(0, 200)
      const result = disableDocument(json)
      if (result.kind === 'malformed') throw new Error(`valid JSON called malformed: ${label}`)
      const after = result.kind === 'already' ? json : result.json
      expect((JSON.parse(after) as {IsDisabled: unknown}).IsDisabled, label).to.equal(true)
      expect(withoutDisabled(after), label).to.equal(withoutDisabled(json))
    }
  })
})

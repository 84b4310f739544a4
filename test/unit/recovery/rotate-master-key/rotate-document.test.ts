import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG, type SensitiveTable} from '../../../../src/recovery/catalog/catalog.js'
import {rotateDocument} from '../../../../src/recovery/rotate-master-key/rotate-document.js'
import {compareRotated} from '../../../support/rotation-check.js'

const current = generateMasterKey()
const next = generateMasterKey(16)
const other = generateMasterKey()
const under = (key: Buffer, text: string) => JSON.stringify(encryptSensitiveValue(text, key))
const table = (name: string): SensitiveTable => SENSITIVE_CATALOG.find((t) => t.table === name)!
const keys = {current, next}

describe('rotateDocument', () => {
  const document = (foreign: string) => `{"Id":"VariableSets-1","Big":9007199254740993,"Price":1.50,
  "Variables":[
    {"Name":"Db","Type":"Sensitive","Value":${under(current, 'p@ss')}},
    {"Name":"Typed","Type":"String","Value":${under(current, 'not in the catalog')}},
    {"Name":"Stray","Type":"String","Value":${under(other, 'someone else')}},
    {"Name":"Foreign","Type":"Sensitive","Value":${foreign}},
    {"Name":"Twice","Type":"Sensitive","Value":${under(current, 'shadowed copy')},"Value":${under(current, 'last')}},
    {"Name":"Note","Type":"String","Value":"Grüße 🚀 \\u00e9 ${'A'.repeat(22)}==|x"}
  ],"Tail":1e5}`

  it('re-encrypts every value the key opens, catalog or not, and keeps every other byte', () => {
    const before = document('null')
    const result = rotateDocument(table('VariableSet'), 'VariableSets-1', before, keys, false)
    if (result.state !== 'scanned') throw new Error(result.reason)
    const diff = compareRotated(before, result.json!, current, next)
    expect(diff.problems).to.deep.equal([])
    // Db, both copies of Twice (the shadowed one too), and the uncataloged Typed.
    expect(diff.rotated).to.equal(4)
    expect(result.rotated).to.equal(3)
    expect(result.alreadyNull).to.equal(1)
    expect(result.uncatalogedRotated.map((v) => v.path)).to.deep.equal(['Variables[1].Value'])
    const [typed] = result.uncatalogedRotated
    expect(decryptSensitiveValue(typed.ciphertext, current)).to.deep.equal({
      kind: 'plaintext',
      plaintext: 'not in the catalog',
    })
    expect(result.json).to.include(JSON.stringify(typed.written))
    // The stray value under another key is listed and left, byte for byte.
    expect(result.uncatalogedLeft.map((v) => v.path)).to.deep.equal(['Variables[2].Value'])
    expect(result.unreadable).to.deep.equal([])
  })

  it('reports a catalog value the key cannot open, and resets it only when asked', () => {
    const foreign = under(other, 'lost to us')
    const before = document(foreign)
    const refused = rotateDocument(table('VariableSet'), 'VariableSets-1', before, keys, false)
    if (refused.state !== 'scanned') throw new Error(refused.reason)
    expect(refused.unreadable).to.deep.equal([
      {path: 'Variables[3].Value', name: 'Foreign', ciphertext: JSON.parse(foreign) as string},
    ])
    expect(refused.json).to.include(foreign)
    const reset = rotateDocument(table('VariableSet'), 'VariableSets-1', before, keys, true)
    if (reset.state !== 'scanned') throw new Error(reset.reason)
    expect(reset.json).to.not.include(foreign)
    expect(compareRotated(before.replace(foreign, 'null'), reset.json!, current, next).problems).to.deep.equal([])
  })

  it("re-encrypts the server certificate's CertificateData as a catalog value", () => {
    const data = under(current, 'MIIPFX')
    const before = `{"Id":"certificate-global","Thumbprint":"AB","CertificateData":${data}}`
    const result = rotateDocument(table('Configuration'), 'certificate-global', before, keys, false)
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.rotated).to.equal(1)
    expect(result.uncatalogedRotated).to.deep.equal([])
    expect(compareRotated(before, result.json!, current, next)).to.deep.equal({rotated: 1, problems: []})
  })

  it('leaves a malformed document alone', () => {
    const result = rotateDocument(
      table('VariableSet'),
      'VariableSets-2',
      `{"Variables":[${under(current, 'x')}`,
      keys,
      false,
    )
    expect(result.state).to.equal('malformed')
  })
})

import {expect} from 'chai'

import {KeyEvidence} from '../../../../src/crypto/key-proof.js'
import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG} from '../../../../src/recovery/catalog/catalog.js'
import {checkDocument} from '../../../../src/recovery/check-master-key/check-document.js'
import {emptyCheckTally} from '../../../../src/recovery/check-master-key/check-tally.js'
import {checkVerdict} from '../../../../src/recovery/check-master-key/check-verdict.js'

const key = generateMasterKey()
const otherKey = generateMasterKey()
const variableSet = SENSITIVE_CATALOG.find((t) => t.table === 'VariableSet')!
const variable = (Value: unknown, Type = 'Sensitive') => ({Name: 'n', Type, Value})

describe('checkDocument', () => {
  const json = JSON.stringify({
    Variables: [
      variable(encryptSensitiveValue('opens', key)),
      variable(encryptSensitiveValue('other key', otherKey)),
      variable(null),
      variable('typed in clear'),
      variable(encryptSensitiveValue('not sensitive', otherKey), 'String'),
      variable(encryptSensitiveValue('other key again', otherKey)),
    ],
  })

  it('counts opened, unopened (with a bounded sample of where), null and not-a-ciphertext values', () => {
    const tally = emptyCheckTally('VariableSet')
    const evidence = new KeyEvidence(key)
    const other = new KeyEvidence(otherKey)
    checkDocument(variableSet, {Id: 'VariableSets-1', JSON: json}, evidence, tally, 1, [other])
    checkDocument(variableSet, {Id: 'VariableSets-2', JSON: '{"Variables":['}, evidence, tally, 1, [other])
    // Each key is judged on the same values: the other key opens the two sensitive values it encrypted.
    expect(evidence.summary()).to.include({tried: 3, opened: 1})
    expect(other.summary()).to.include({tried: 3, opened: 2})
    expect(tally).to.deep.equal({
      table: 'VariableSet',
      documentsScanned: 2,
      opened: 1,
      cannotOpen: 2,
      alreadyNull: 1,
      notASensitiveValue: 1,
      malformedDocuments: 1,
      samples: [{documentId: 'VariableSets-1', path: 'Variables[1].Value'}],
    })
  })

  it('without a key, still tells ciphertexts from other values', () => {
    const tally = emptyCheckTally('VariableSet')
    checkDocument(variableSet, {Id: 'VariableSets-1', JSON: json}, undefined, tally, 5)
    expect([tally.opened, tally.cannotOpen, tally.alreadyNull, tally.notASensitiveValue]).to.deep.equal([0, 3, 1, 1])
  })
})

describe('checkVerdict', () => {
  const tally = (opened: number, cannotOpen: number) => ({...emptyCheckTally('T'), opened, cannotOpen})
  const works = {verdict: 'works', thumbprint: 'AB'} as const
  const fails = {verdict: 'lost', reason: 'does-not-decrypt', detail: ''} as const
  const missing = {verdict: 'lost', reason: 'no-certificate', detail: ''} as const
  const values = {tried: 40, opened: 40, chance: 0}
  const proven = {verdict: 'proven', witness: 'values', values: {...values, verdict: 'proven'}} as const
  const unproven = {verdict: 'unproven', witness: 'values', values: {...values, verdict: 'unproven'}} as const
  const lost = {verdict: 'lost', witness: 'values', values: {...values, verdict: 'lost'}} as const

  it('is healthy only when the key is proven and the certificate and every value open', () => {
    expect(checkVerdict(works, proven, [tally(3, 0), tally(0, 0)]).exitCode).to.equal(0)
    expect(checkVerdict(works, proven, [tally(3, 1)]).exitCode).to.equal(10)
    expect(checkVerdict(fails, proven, [tally(3, 0)]).exitCode).to.equal(10)
    expect(checkVerdict(missing, proven, [tally(3, 0)]).exitCode).to.equal(10)
  })

  it('calls the key lost unless it is proven: a value or two opened by chance make it no less lost', () => {
    expect(checkVerdict({verdict: 'lost', reason: 'cannot-unseal', detail: ''}, lost, [tally(0, 0)]).exitCode).to.equal(
      11,
    )
    expect(checkVerdict(fails, lost, [tally(0, 5)]).exitCode).to.equal(11)
    expect(checkVerdict(missing, lost, [tally(0, 0)]).exitCode, 'no witness at all').to.equal(11)
    expect(checkVerdict(fails, unproven, [tally(1, 5000)]).exitCode, 'one lucky value').to.equal(11)
    expect(checkVerdict(missing, unproven, [tally(2, 5000)]).exitCode, 'two lucky values').to.equal(11)
  })
})

import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG} from '../../../../src/recovery/catalog/catalog.js'
import {checkDocument} from '../../../../src/recovery/check/check-document.js'
import {emptyCheckTally} from '../../../../src/recovery/check/check-tally.js'
import {checkVerdict} from '../../../../src/recovery/check/check-verdict.js'

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
    checkDocument(variableSet, {Id: 'VariableSets-1', JSON: json}, key, tally, 1)
    checkDocument(variableSet, {Id: 'VariableSets-2', JSON: '{"Variables":['}, key, tally, 1)
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

  it('is healthy only when the certificate and every value open', () => {
    expect(checkVerdict(works, [tally(3, 0), tally(0, 0)]).exitCode).to.equal(0)
    expect(checkVerdict(works, [tally(3, 1)]).exitCode).to.equal(10)
    expect(checkVerdict(fails, [tally(3, 0)]).exitCode).to.equal(10)
    expect(checkVerdict(missing, [tally(3, 0)]).exitCode).to.equal(10)
  })

  it('calls the key lost when it cannot be unsealed or opens nothing', () => {
    expect(checkVerdict({verdict: 'lost', reason: 'cannot-unseal', detail: ''}, [tally(0, 0)]).exitCode).to.equal(11)
    expect(checkVerdict(fails, [tally(0, 5)]).exitCode).to.equal(11)
    expect(checkVerdict(missing, [tally(0, 0)]).exitCode, 'no witness at all').to.equal(11)
    expect(checkVerdict(works, [tally(0, 5)]).exitCode, 'the certificate opened').to.equal(10)
  })
})

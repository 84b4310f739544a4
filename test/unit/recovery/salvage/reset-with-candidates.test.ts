import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG, type SensitiveTable} from '../../../../src/recovery/catalog/catalog.js'
import {resetDocument} from '../../../../src/recovery/reset/reset-document.js'
import {candidateSources, keyFingerprint, readCandidateKeys} from '../../../../src/recovery/salvage/candidate-keys.js'
import {startSalvage} from '../../../../src/recovery/salvage/salvage.js'
import {RecoveryError} from '../../../../src/recovery-error.js'

const [lost, a, b, fresh] = [generateMasterKey(), generateMasterKey(), generateMasterKey(16), generateMasterKey()]
const under = (key: Buffer, text: string) => JSON.stringify(encryptSensitiveValue(text, key))
const table = (name: string): SensitiveTable => SENSITIVE_CATALOG.find((t) => t.table === name)!
const salvage = () =>
  startSalvage(
    [
      {key: a, fingerprint: keyFingerprint(a), source: '--candidateKey #1'},
      {key: b, fingerprint: keyFingerprint(b), source: '--candidateKey #2'},
    ],
    fresh,
  )!
const opens = (value: unknown, key: Buffer) => {
  const result = decryptSensitiveValue(value, key)
  return result.kind === 'plaintext' ? result.plaintext : undefined
}

describe('resetDocument with candidate keys', () => {
  const document = () => {
    const values = {
      one: under(a, 'under A'),
      two: under(b, 'under B'),
      three: under(lost, 'lost'),
      outside: under(a, 'outside, under A'),
    }
    const json = `{"Name":"vs","Variables":[
  {"Name":"One","Type":"Sensitive","Value":${values.one}},
  {"Name":"Two","Type":"Sensitive","Value":${values.two}},
  {"Name":"Three","Type":"Sensitive","Value":${values.three}}],"Extra":{"Name":"x","Token":${values.outside}}}`
    return {json, values}
  }

  it('re-encrypts what a candidate opens with the new key, resets the rest, and keeps every other byte', () => {
    const {json, values} = document()
    const result = resetDocument(table('VariableSet'), 'vs-1', json, {resetUncataloged: false, salvage: salvage()})
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => [l.label, l.outcome, l.candidate])).to.deep.equal([
      ['One', 'salvaged', 0],
      ['Two', 'salvaged', 1],
      ['Three', 'reset', undefined],
    ])
    expect(result.leaves[0].ciphertext, 'a salvaged value is not quarantined').to.equal(undefined)
    const after = JSON.parse(result.json!) as {Variables: Array<{Value: unknown}>; Extra: {Token: string}}
    expect(after.Variables.map((v) => opens(v.Value, fresh))).to.deep.equal(['under A', 'under B', undefined])
    expect(after.Variables[2].Value).to.equal(null)
    // Byte for byte: only the three values changed.
    const newOne = JSON.stringify(after.Variables[0].Value)
    const newTwo = JSON.stringify(after.Variables[1].Value)
    expect(result.json).to.equal(
      json.replace(values.one, newOne).replace(values.two, newTwo).replace(values.three, 'null'),
    )
    // The uncataloged value is listed with the candidate that opens it, not taken from salvaged ones, and left as it
    // is.
    expect(result.outsideCatalog).to.deep.equal([{path: 'Extra.Token', name: 'x', candidate: 0}])
    expect(after.Extra.Token).to.equal(JSON.parse(values.outside))
  })

  it('with --resetUncataloged, salvages an uncataloged value a candidate opens instead of resetting it', () => {
    const {json} = document()
    const result = resetDocument(table('VariableSet'), 'vs-1', json, {resetUncataloged: true, salvage: salvage()})
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.outsideCatalog).to.deep.equal([{path: 'Extra.Token', name: 'x', candidate: 0, salvaged: true}])
    expect(opens((JSON.parse(result.json!) as {Extra: {Token: string}}).Extra.Token, fresh)).to.equal(
      'outside, under A',
    )
  })

  it('leaves the server certificate to the run (it replaces it whole), even when a candidate opens it', () => {
    const json = `{"CertificateData":${under(a, 'pfx')},"Thumbprint":"AB"}`
    const result = resetDocument(table('Configuration'), 'certificate-global', json, {
      resetUncataloged: false,
      salvage: salvage(),
    })
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect([result.leaves, result.outsideCatalog, result.json]).to.deep.equal([[], [], undefined])
  })

  it('without candidates, resets as before', () => {
    const {json} = document()
    const plain = resetDocument(table('VariableSet'), 'vs-1', json)
    if (plain.state !== 'scanned') throw new Error(plain.reason)
    expect(plain.leaves.map((l) => l.outcome)).to.deep.equal(['reset', 'reset', 'reset'])
    expect(startSalvage([], fresh)).to.equal(undefined)
  })
})

describe('candidate keys', () => {
  it('refuses a malformed --candidateKey (exit 2), naming which one and never echoing it', () => {
    const bad = 'c2VjcmV0LWJ1dC10b28tc2hvcnQ='
    try {
      candidateSources({candidateKey: [a.toString('base64'), bad]})
      expect.fail('refused')
    } catch (error) {
      expect(error).to.be.instanceOf(RecoveryError)
      expect((error as RecoveryError).exitCode).to.equal(2)
      expect((error as RecoveryError).message)
        .to.match(/^--candidateKey #2: /)
        .and.not.include(bad)
    }
  })

  it('counts a key given twice once, under its first source, with its fingerprint', async () => {
    const keys = await readCandidateKeys(
      candidateSources({candidateKey: [a.toString('base64'), b.toString('base64'), ` ${a.toString('base64')}\n`]}),
      {},
    )
    expect(keys.map((k) => [k.source, k.fingerprint])).to.deep.equal([
      ['--candidateKey #1', keyFingerprint(a)],
      ['--candidateKey #2', keyFingerprint(b)],
    ])
    expect(keyFingerprint(a)).to.match(/^[0-9a-f]{8}$/)
  })
})

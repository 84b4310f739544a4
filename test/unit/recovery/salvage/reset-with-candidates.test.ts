import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG, type SensitiveTable} from '../../../../src/recovery/catalog/catalog.js'
import {resetDocument} from '../../../../src/recovery/reset/reset-document.js'
import {candidateSources, keyFingerprint, readCandidateKeys} from '../../../../src/recovery/salvage/candidate-keys.js'
import {
  CandidateEvidence,
  type CandidateProof,
  PROVEN_BY_CERTIFICATE,
} from '../../../../src/recovery/salvage/prove-candidates.js'
import {startSalvage} from '../../../../src/recovery/salvage/salvage.js'
import {quarantineRows} from '../../../../src/recovery/reset/quarantine-rows.js'
import {Prng} from '../../../../scripts/seeder/prng.js'
import {luckyValues} from '../../../support/lucky-ciphertexts.js'
import {RecoveryError} from '../../../../src/recovery-error.js'

const [lost, a, b, fresh] = [generateMasterKey(), generateMasterKey(), generateMasterKey(16), generateMasterKey()]
const under = (key: Buffer, text: string) => JSON.stringify(encryptSensitiveValue(text, key))
const table = (name: string): SensitiveTable => SENSITIVE_CATALOG.find((t) => t.table === name)!
const proven: CandidateProof = {verdict: 'proven', proof: 'proven by 40 of 40 values', tried: 40, opened: 40}
const candidate = (key: Buffer, n: number) => ({key, fingerprint: keyFingerprint(key), source: `--candidateKey #${n}`})
const salvage = () => startSalvage([candidate(a, 1), candidate(b, 2)], [proven, proven], fresh)!
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
    const {json, values} = document()
    const result = resetDocument(table('VariableSet'), 'vs-1', json, {resetUncataloged: true, salvage: salvage()})
    if (result.state !== 'scanned') throw new Error(result.reason)
    const after = JSON.parse(result.json!) as {Extra: {Token: string}}
    expect(result.outsideCatalog).to.deep.equal([
      {
        path: 'Extra.Token',
        name: 'x',
        ciphertext: JSON.parse(values.outside) as string,
        candidate: 0,
        salvaged: true,
        written: after.Extra.Token,
      },
    ])
    expect(opens(after.Extra.Token, fresh)).to.equal('outside, under A')
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
    expect(startSalvage([], [], fresh)).to.equal(undefined)
  })

  it('quarantines every salvaged original as kind salvage, with what the salvage wrote and its identity', () => {
    const {json, values} = document()
    const result = resetDocument(table('VariableSet'), 'vs-1', json, {resetUncataloged: true, salvage: salvage()})
    if (result.state !== 'scanned') throw new Error(result.reason)
    const after = JSON.parse(result.json!) as {Variables: Array<{Value: string}>; Extra: {Token: string}}
    const rows = quarantineRows({runId: 'run-1', table: 'VariableSet', documentId: 'vs-1'}, result)
    const where = {runId: 'run-1', tableName: 'VariableSet', documentId: 'vs-1'}
    expect(rows).to.deep.equal([
      {
        ...where,
        path: 'Variables[0].Value',
        value: JSON.parse(values.one),
        kind: 'salvage',
        written: after.Variables[0].Value,
        elementIds: '["One"]',
      },
      {
        ...where,
        path: 'Variables[1].Value',
        value: JSON.parse(values.two),
        kind: 'salvage',
        written: after.Variables[1].Value,
        elementIds: '["Two"]',
      },
      {...where, path: 'Variables[2].Value', value: JSON.parse(values.three), kind: 'reset', elementIds: '["Three"]'},
      {...where, path: 'Extra.Token', value: JSON.parse(values.outside), kind: 'salvage', written: after.Extra.Token},
    ])
  })
})

describe('salvage only with proven candidates', () => {
  const SEED = 2207
  // Seeded keys and search, so the search takes the same second or two every run.
  const prng = new Prng(SEED, 'proven candidates')
  const [right, wrong, lostKey] = [prng.bytes(32), prng.bytes(16), prng.bytes(32)]
  let lucky: {owned: string[]; lost: string[]}
  before(() => {
    console.log(`      lucky-value search seed ${SEED}`)
    const owned = luckyValues(right, wrong, ['right-1', 'right-2'], SEED)
    const lost = luckyValues(lostKey, wrong, ['lost-1', 'lost-2'], SEED + 1)
    lucky = {owned: owned.values, lost: lost.values}
  })

  const variables = (values: readonly string[]) =>
    `{"Variables":[${values
      .map((v, i) => `{"Name":"V${i}","Type":"Sensitive","Value":${JSON.stringify(v)}}`)
      .join(',')}]}`

  it('the wrong key does open the crafted values (the test would mean nothing otherwise)', () => {
    for (const value of [...lucky.owned, ...lucky.lost])
      expect(decryptSensitiveValue(value, wrong).kind).to.equal('plaintext')
    expect(lucky.owned.map((v) => opens(v, right))).to.deep.equal(['right-1', 'right-2'])
  })

  it('a wrong candidate that opens a few values by chance stays unproven; the right one is proven', () => {
    const candidates = [candidate(wrong, 1), candidate(right, 2)]
    const evidence = new CandidateEvidence(candidates, new Set())
    const ownedByRight = Array.from({length: 40}, (_, i) => encryptSensitiveValue(`value ${i}`, right))
    const ownedByLost = Array.from({length: 30}, (_, i) => encryptSensitiveValue(`lost ${i}`, lostKey))
    // Two lucky openings prove nothing, wherever they are read: one-block values prove a key only from 34 on
    // (docs/recovery.md, "The proof of a key"), and the right key opens its 40.
    evidence.tryDocument('VariableSet', 'vs-1', variables([...ownedByLost, ...lucky.lost]))
    evidence.tryDocument('VariableSet', 'vs-2', variables(ownedByRight))
    const [w, r] = evidence.proofs()
    expect(w.verdict, w.proof).to.equal('unproven')
    expect(w.opened).to.equal(2)
    expect(w.proof).to.match(/^opens 2 of 72 values: not enough to prove it/)
    expect(r.verdict, r.proof).to.equal('proven')
    expect(evidence.allProven).to.equal(false)
  })

  it('a candidate that opens the server certificate is proven by it; the certificate is not tried as a value', () => {
    const evidence = new CandidateEvidence([candidate(right, 1)], new Set([keyFingerprint(right)]))
    expect(evidence.allProven).to.equal(true)
    expect(evidence.proofs()[0]).to.deep.equal({verdict: 'proven', proof: PROVEN_BY_CERTIFICATE, tried: 0, opened: 0})
    const other = new CandidateEvidence([candidate(right, 1)], new Set())
    other.tryDocument('Configuration', 'certificate-global', `{"CertificateData":${under(right, 'x')}}`)
    expect(other.proofs()[0].tried).to.equal(0)
  })

  it('an unproven candidate salvages nothing: what it "opens" is reset as if there were no candidate', () => {
    const unproven: CandidateProof = {verdict: 'unproven', proof: 'opens 2 of 60 values', tried: 60, opened: 2}
    const run = startSalvage([candidate(wrong, 1)], [unproven], fresh)!
    const result = resetDocument(table('VariableSet'), 'vs-1', variables(lucky.lost), {
      resetUncataloged: false,
      salvage: run,
    })
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => l.outcome)).to.deep.equal(['reset', 'reset'])
    expect(result.leaves.map((l) => l.ciphertext)).to.deep.equal(lucky.lost)
    expect(run.tallies[0]).to.include({verdict: 'unproven', salvaged: 0})
  })

  it('the right candidate listed second salvages every value it owns though a wrong lucky one is listed first', () => {
    const unproven: CandidateProof = {verdict: 'unproven', proof: 'opens 2 of 60 values', tried: 60, opened: 2}
    const run = startSalvage([candidate(wrong, 1), candidate(right, 2)], [unproven, proven], fresh)!
    const result = resetDocument(table('VariableSet'), 'vs-1', variables(lucky.owned), {
      resetUncataloged: false,
      salvage: run,
    })
    if (result.state !== 'scanned') throw new Error(result.reason)
    expect(result.leaves.map((l) => [l.outcome, l.candidate])).to.deep.equal([
      ['salvaged', 1],
      ['salvaged', 1],
    ])
    const after = JSON.parse(result.json!) as {Variables: Array<{Value: string}>}
    expect(after.Variables.map((v) => opens(v.Value, fresh))).to.deep.equal(['right-1', 'right-2'])
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

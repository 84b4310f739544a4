import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {oldCertificateRow} from '../../../../src/recovery/reset/old-certificate-row.js'

describe("the old server certificate's quarantine row", () => {
  const value = encryptSensitiveValue('pfx', generateMasterKey())
  const shadowed = encryptSensitiveValue('older', generateMasterKey())

  it('keeps the CertificateData the server reads (the last copy) as a reset row of certificate-global', () => {
    const [first, last] = [shadowed, value].map((v) => JSON.stringify(v))
    const json = `{"CertificateData":${first},"Thumbprint":"AB","CertificateData":${last}}`
    expect(oldCertificateRow('run-1', json)).to.deep.equal({
      runId: 'run-1',
      tableName: 'Configuration',
      documentId: 'certificate-global',
      path: 'CertificateData',
      value,
      kind: 'reset',
      elementIds: '[]',
    })
  })

  it('keeps nothing when the document is missing or not JSON, or its CertificateData is not a ciphertext', () => {
    for (const json of [
      undefined,
      '{"CertificateData":',
      '{"Thumbprint":"AB"}',
      '{"CertificateData":null}',
      '{"CertificateData":"damaged"}',
      `[${JSON.stringify(value)}]`,
    ])
      expect(oldCertificateRow('run-1', json), String(json)).to.equal(undefined)
  })
})

import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {serverCertificateDocument} from '../../../../src/recovery/reset/server-certificate-document.js'

const oldKey = generateMasterKey()
const newKey = generateMasterKey()
const fields = {
  CertificateData: encryptSensitiveValue('new pfx', newKey),
  Thumbprint: 'NEWTHUMB',
  Subject: 'CN=Octopus Portal',
  NotAfter: '2124-01-01T00:00:00.000Z',
}

describe('serverCertificateDocument', () => {
  it('puts the new value in every copy of a duplicated field, so no copy keeps the old ciphertext', () => {
    const shadowed = encryptSensitiveValue('old pfx, the copy the server does not read', oldKey)
    const read = encryptSensitiveValue('old pfx', oldKey)
    const old =
      `{"Id":"certificate-global","CertificateData":${JSON.stringify(shadowed)},"Thumbprint":"OLD1",` +
      `"Keep":"as it was","CertificateData":${JSON.stringify(read)},"Thumbprint":"OLD2"}`
    const json = serverCertificateDocument(old, fields)
    expect(json).to.not.include(shadowed).and.not.include(read).and.not.include('OLD')
    expect(json).to.equal(
      `{"Id":"certificate-global","CertificateData":${JSON.stringify(fields.CertificateData)},"Thumbprint":` +
        `"NEWTHUMB","Keep":"as it was","CertificateData":${JSON.stringify(fields.CertificateData)},"Thumbprint":` +
        `"NEWTHUMB","Subject":"CN=Octopus Portal","NotAfter":"2124-01-01T00:00:00.000Z"}`,
    )
    expect(JSON.parse(json)).to.deep.include(fields)
  })

  it('keeps every other byte of a document without duplicates', () => {
    const old = `{ "Id": "certificate-global", "Thumbprint": "OLD", "Extra": [1.50, 9007199254740993] }`
    expect(serverCertificateDocument(old, fields)).to.equal(
      `{ "Id": "certificate-global", "Thumbprint": "NEWTHUMB", "Extra": [1.50, 9007199254740993] ,` +
        `"CertificateData":${JSON.stringify(fields.CertificateData)},"Subject":"CN=Octopus Portal",` +
        `"NotAfter":"2124-01-01T00:00:00.000Z"}`,
    )
  })
})

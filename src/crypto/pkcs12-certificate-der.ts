/**
 * Finds the certificate in a password-less PKCS#12 (RFC 7292) and returns its DER bytes exactly as stored.
 * Forge's own PKCS#12 reader re-encodes certificates it parses, which can change the bytes (and so the
 * thumbprint) of certificates forge does not fully understand; this walk keeps the stored bytes and uses
 * forge only to read ASN.1 and to decrypt password-protected safes.
 */
import forge from 'node-forge'

type Asn1 = forge.asn1.Asn1

interface PbeCipher {
  update(input: forge.util.ByteStringBuffer): void
  finish(): boolean
  output: forge.util.ByteStringBuffer
}

// Forge implements PKCS#12 and PKCS#5 password-based decryption but its typings omit it.
const pbe = (forge.pki as unknown as {pbe: {getCipher(oid: string, params: Asn1, password: string | null): PbeCipher}})
  .pbe
const {asn1} = forge
const oids = forge.pki.oids

// "No password" is written either as an empty BMPString with its terminator ('') or as no bytes at all
// (null); readers such as OpenSSL and .NET try both, and so does this one.
const EMPTY_PASSWORDS: readonly (string | null)[] = ['', null]

interface Bag {
  readonly type: string
  readonly localKeyId: string | undefined
  /** The certificate's DER, for X.509 certificate bags. */
  readonly der: string | undefined
}

function children(node: Asn1 | undefined): Asn1[] {
  if (node === undefined || !Array.isArray(node.value)) throw new Error('expected a constructed ASN.1 value')
  return node.value
}

function isUniversal(node: Asn1 | undefined, type: forge.asn1.Type): node is Asn1 {
  return node !== undefined && node.tagClass === asn1.Class.UNIVERSAL && node.type === type
}

function oidOf(node: Asn1 | undefined): string {
  if (!isUniversal(node, asn1.Type.OID) || typeof node.value !== 'string') throw new Error('expected an OID')
  return asn1.derToOid(node.value)
}

/** The bytes of an OCTET STRING (or of an implicitly tagged one), joining BER's constructed chunks. */
function octets(node: Asn1 | undefined): string {
  if (node === undefined) throw new Error('expected an OCTET STRING')
  if (typeof node.value === 'string') return node.value
  return node.value.map((chunk) => octets(chunk)).join('')
}

/** The content of a `[0] EXPLICIT` wrapper. */
function explicitContent(node: Asn1 | undefined): Asn1 {
  if (node === undefined || node.tagClass !== asn1.Class.CONTEXT_SPECIFIC || node.type !== 0) {
    throw new Error('expected [0]')
  }
  return children(node)[0]
}

function parseSequence(bytes: string): Asn1[] {
  const node = asn1.fromDer(bytes)
  if (!isUniversal(node, asn1.Type.SEQUENCE)) throw new Error('expected a SEQUENCE')
  return children(node)
}

function localKeyIdOf(attributes: Asn1 | undefined): string | undefined {
  if (!isUniversal(attributes, asn1.Type.SET)) return undefined
  for (const attribute of children(attributes)) {
    const [id, values] = children(attribute)
    if (oidOf(id) === oids.localKeyId) return octets(children(values)[0])
  }
  return undefined
}

function readSafeContents(bytes: string): Bag[] {
  return parseSequence(bytes).map((safeBag) => {
    const [bagId, bagValue, attributes] = children(safeBag)
    const type = oidOf(bagId)
    let der: string | undefined
    if (type === oids.certBag) {
      const [certId, certValue] = children(explicitContent(bagValue))
      if (oidOf(certId) === oids.x509Certificate) der = octets(explicitContent(certValue))
    }
    return {type, localKeyId: localKeyIdOf(attributes), der}
  })
}

/** The bags of an EncryptedData safe, decrypted with whichever empty password opens it. */
function readEncryptedSafe(encryptedData: Asn1): Bag[] {
  const [, encryptedContentInfo] = children(encryptedData)
  const [contentType, algorithm, encryptedContent] = children(encryptedContentInfo)
  if (oidOf(contentType) !== oids.data) throw new Error('encrypted content is not data')
  const [algorithmId, parameters] = children(algorithm)
  const ciphertext = octets(encryptedContent)
  for (const password of EMPTY_PASSWORDS) {
    try {
      const cipher = pbe.getCipher(oidOf(algorithmId), parameters, password)
      cipher.update(forge.util.createBuffer(ciphertext))
      // A wrong password can still leave valid padding; then the contents do not parse and the next is tried.
      if (cipher.finish()) return readSafeContents(cipher.output.getBytes())
    } catch {
      // Try the other spelling of "no password".
    }
  }
  throw new Error('encrypted safe does not open without a password')
}

function readBags(pfx: Buffer): Bag[] {
  const [version, authSafe] = parseSequence(pfx.toString('binary'))
  if (!isUniversal(version, asn1.Type.INTEGER) || version.value !== '\x03') throw new Error('not PKCS#12 v3')
  const [authSafeType, authSafeContent] = children(authSafe)
  if (oidOf(authSafeType) !== oids.data) throw new Error('PKCS#12 not in password integrity mode')
  return parseSequence(octets(explicitContent(authSafeContent))).flatMap((contentInfo) => {
    const [contentType, content] = children(contentInfo)
    switch (oidOf(contentType)) {
      case oids.data:
        return readSafeContents(octets(explicitContent(content)))
      case oids.encryptedData:
        return readEncryptedSafe(explicitContent(content))
      default:
        return []
    }
  })
}

/**
 * The DER of the PKCS#12's certificate: the one paired with a private key (same localKeyId), else the
 * first. Undefined when `pfx` is not a password-less PKCS#12 holding a certificate; never throws.
 */
export function pkcs12CertificateDer(pfx: Buffer): Buffer | undefined {
  try {
    const bags = readBags(pfx)
    const certificates = bags.filter((bag) => bag.der !== undefined)
    const keyIds = new Set(
      bags
        .filter((bag) => bag.type === oids.keyBag || bag.type === oids.pkcs8ShroudedKeyBag)
        .map((bag) => bag.localKeyId),
    )
    const paired = certificates.find((bag) => bag.localKeyId !== undefined && keyIds.has(bag.localKeyId))
    const chosen = paired ?? certificates[0]
    return chosen?.der === undefined ? undefined : Buffer.from(chosen.der, 'binary')
  } catch {
    return undefined
  }
}

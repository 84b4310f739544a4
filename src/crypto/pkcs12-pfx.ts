/**
 * Writes a PKCS#12 (RFC 7292) with an empty password, as .NET exports one: the certificate in a plain safe, the
 * private key in a shrouded bag (pbeWithSHAAnd3-KeyTripleDES-CBC, which older Windows can import, unlike PBES2), both
 * tagged with the certificate's SHA-1 as local key id, and a SHA-1 MAC. The same structure node-forge writes, but
 * the key derivation, 3DES and HMAC run in node:crypto: forge's JavaScript SHA-1 over 2,048 iterations per derived
 * key took ~70 ms of the main thread, in the middle of the reset's scan.
 */
import {createCipheriv, createHmac, hash, randomBytes} from 'node:crypto'

const ITERATIONS = 2048
const SALT_BYTES = 8

// Object identifiers, DER-encoded contents.
const OID = {
  data: '2a864886f70d010701',
  localKeyId: '2a864886f70d010915',
  certBag: '2a864886f70d010c0a0103',
  x509Certificate: '2a864886f70d01091601',
  pkcs8ShroudedKeyBag: '2a864886f70d010c0a0102',
  pbeWithSha1And3KeyTripleDesCbc: '2a864886f70d010c0103',
  sha1: '2b0e03021a',
} as const

/** One DER element: tag, definite length, contents. */
function tlv(tag: number, contents: Buffer): Buffer {
  const length = contents.length
  let header: number[]
  if (length < 0x80) header = [tag, length]
  else {
    const bytes: number[] = []
    for (let rest = length; rest > 0; rest >>>= 8) bytes.unshift(rest & 0xff)
    header = [tag, 0x80 | bytes.length, ...bytes]
  }
  return Buffer.concat([Buffer.from(header), contents])
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items))
const octets = (bytes: Buffer) => tlv(0x04, bytes)
const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'))
/** `[0] EXPLICIT`. */
const explicit0 = (item: Buffer) => tlv(0xa0, item)
/** A small non-negative INTEGER. */
const integer = (value: number) => {
  const bytes: number[] = []
  for (let rest = value; rest > 0; rest >>>= 8) bytes.unshift(rest & 0xff)
  if (bytes.length === 0 || bytes[0] & 0x80) bytes.unshift(0)
  return tlv(0x02, Buffer.from(bytes))
}
/** PKCS#7 ContentInfo of type `data` around DER `contents`. */
const dataContent = (contents: Buffer) => sequence(oid(OID.data), explicit0(octets(contents)))

const U = 20
const V = 64

/** The empty password as PKCS#12 writes it: a BMPString with its two-byte terminator. */
const EMPTY_PASSWORD = Buffer.alloc(2)

function repeatTo(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = source[i % source.length]
  return out
}

/** RFC 7292 appendix B.2 with SHA-1: `bytes` of key (`id` 1), IV (2) or MAC key (3) from the empty password. */
export function pkcs12Kdf(salt: Buffer, id: 1 | 2 | 3, iterations: number, bytes: number): Buffer {
  const diversifier = Buffer.alloc(V, id)
  const input = Buffer.concat([
    repeatTo(salt, V * Math.ceil(salt.length / V)),
    repeatTo(EMPTY_PASSWORD, V * Math.ceil(EMPTY_PASSWORD.length / V)),
  ])
  const blocks: Buffer[] = []
  for (let produced = 0; produced < bytes; produced += U) {
    let digest = hash('sha1', Buffer.concat([diversifier, input]), 'buffer')
    for (let round = 1; round < iterations; round++) digest = hash('sha1', digest, 'buffer')
    blocks.push(digest)
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A_i repeated to v bytes.
    const b = repeatTo(digest, V)
    for (let from = 0; from < input.length; from += V) {
      let carry = 1
      for (let k = V - 1; k >= 0; k--) {
        const sum = input[from + k] + b[k] + carry
        input[from + k] = sum & 0xff
        carry = sum >>> 8
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, bytes)
}

/** A password-less PKCS#12 of one certificate (DER) and its private key (PKCS#8 DER). */
export function passwordlessPkcs12(certificateDer: Buffer, privateKeyPkcs8Der: Buffer): Buffer {
  const localKeyId = hash('sha1', certificateDer, 'buffer')
  const attributes = set(sequence(oid(OID.localKeyId), set(octets(localKeyId))))

  const certificateBag = sequence(
    oid(OID.certBag),
    explicit0(sequence(oid(OID.x509Certificate), explicit0(octets(certificateDer)))),
    attributes,
  )

  const salt = randomBytes(SALT_BYTES)
  const cipher = createCipheriv('des-ede3-cbc', pkcs12Kdf(salt, 1, ITERATIONS, 24), pkcs12Kdf(salt, 2, ITERATIONS, 8))
  const encrypted = Buffer.concat([cipher.update(privateKeyPkcs8Der), cipher.final()])
  const keyBag = sequence(
    oid(OID.pkcs8ShroudedKeyBag),
    explicit0(
      sequence(
        sequence(oid(OID.pbeWithSha1And3KeyTripleDesCbc), sequence(octets(salt), integer(ITERATIONS))),
        octets(encrypted),
      ),
    ),
    attributes,
  )

  const safe = sequence(dataContent(sequence(certificateBag)), dataContent(sequence(keyBag)))
  const macSalt = randomBytes(SALT_BYTES)
  const mac = createHmac('sha1', pkcs12Kdf(macSalt, 3, ITERATIONS, U))
    .update(safe)
    .digest()
  const macData = sequence(
    sequence(sequence(oid(OID.sha1), tlv(0x05, Buffer.alloc(0))), octets(mac)),
    octets(macSalt),
    integer(ITERATIONS),
  )
  return sequence(integer(3), dataContent(safe), macData)
}

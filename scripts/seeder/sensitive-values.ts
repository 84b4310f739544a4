import {decryptSensitiveValue, encryptSensitiveValue} from '../../src/crypto/sensitive-value.js'
import type {Prng} from './prng.js'
import {RawJson, type JsonValue} from './raw-json.js'
import type {SensitiveCounts} from './sensitive-counts.js'

export interface SensitiveShares {
  /** Well-formed `cipher|iv` that does not decrypt under the key. */
  readonly corrupt: number
  /** Something that is not `cipher|iv` at all. */
  readonly nonCiphertext: number
  /** Already `null`. */
  readonly null: number
}

/** Values a careless admin or an old bug may have left in a sensitive field; none is `cipher|iv`. */
const NON_CIPHERTEXT: readonly (() => JsonValue)[] = [
  () => 'plain text password',
  () => 12345,
  () => new RawJson('1.50'),
  () => true,
  () => '',
  () => ({Value: 'not encrypted', Nested: [1, 2]}),
  () => ['a', 'b'],
  () => 'abc|def',
  // Canonical base64 on both sides, but a 5-byte ciphertext and a 5-byte IV.
  () => 'aGVsbG8=|c2hvcnQ=',
]

const PASSWORDS: readonly ((n: number) => string)[] = [
  (n) => `P@ssw0rd-${n}`,
  (n) => `Grüße-🚀-é-${n}`,
  (n) => `correct horse battery staple ${n}`,
  (n) => `"quoted" & <tagged> \\ ${n}`,
  (n) => `${n}`,
]

/**
 * Makes each sensitive value per the shares and counts it. Every value draws from the seeded stream, so a
 * seed gives the same IVs and plaintexts. A corrupt value is encrypted with another key; one whose padding
 * happens to check out under the real key (about 1 in 256) is redrawn, so "corrupt" is exact.
 */
export class SensitiveValueMaker {
  private readonly otherKey: Buffer

  constructor(
    private readonly key: Buffer,
    private readonly shares: SensitiveShares,
    private readonly rng: Prng,
  ) {
    this.otherKey = rng.bytes(key.length)
    this.otherKey[0] = key[0] ^ 0xff
  }

  make(kind: string, counts: SensitiveCounts): JsonValue {
    const draw = this.rng.next()
    const {null: nullShare, corrupt, nonCiphertext} = this.shares
    if (draw < nullShare) {
      counts.alreadyNull++
      return null
    }

    if (draw < nullShare + corrupt) {
      counts.corrupt++
      return this.corrupt(this.plaintext(kind))
    }

    if (draw < nullShare + corrupt + nonCiphertext) {
      counts.nonCiphertext++
      return this.rng.pick(NON_CIPHERTEXT)()
    }

    counts.readable++
    return encryptSensitiveValue(this.plaintext(kind), this.key, this.rng.bytes(16))
  }

  /** A value that decrypts under the key, whatever the shares: for decoys, which must stay exactly as they are. */
  readable(kind: string): string {
    return encryptSensitiveValue(this.plaintext(kind), this.key, this.rng.bytes(16))
  }

  private corrupt(plaintext: string): string {
    for (;;) {
      const value = encryptSensitiveValue(plaintext, this.otherKey, this.rng.bytes(16))
      if (decryptSensitiveValue(value, this.key).kind === 'does-not-decrypt') return value
    }
  }

  private plaintext(kind: string): string {
    const n = this.rng.int(1_000_000)
    if (/certificate data|management certificate/i.test(kind)) return this.rng.bytes(480).toString('base64')
    if (/JSON key/i.test(kind))
      return JSON.stringify({
        type: 'service_account',
        project_id: `project-${n}`,
        private_key_id: this.rng.bytes(20).toString('hex'),
      })
    if (/private key/i.test(kind)) {
      const pem =
        `-----BEGIN OPENSSH PRIVATE KEY-----\n${this.rng.bytes(240).toString('base64')}\n-----END OPENSSH ` +
        `PRIVATE KEY-----\n`
      return Buffer.from(pem).toString('base64')
    }

    return this.rng.pick(PASSWORDS)(n)
  }
}

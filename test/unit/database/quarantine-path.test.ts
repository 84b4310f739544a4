import {expect} from 'chai'

import {
  escapeQuarantinePath,
  hasUnstorableCharacters,
  unescapeQuarantinePath,
} from '../../../src/database/operations/quarantine-path.js'
import {fuzzPrng} from '../recovery/support/fuzz-seed.js'

describe('quarantine paths', () => {
  it('escapes NUL, lone surrogates and the escape itself, and nothing else', () => {
    const path = 'Steps[0].SensitiveProperties.a\u0000b\\c\uD800d🚀é'
    const stored = escapeQuarantinePath(path)
    expect(stored).to.equal('Steps[0].SensitiveProperties.a\\u0000b\\\\c\\uD800d🚀é')
    expect(hasUnstorableCharacters(stored)).to.equal(false)
    expect(unescapeQuarantinePath(stored, true)).to.equal(path)
    expect(escapeQuarantinePath('Variables[3].Value')).to.equal('Variables[3].Value')
    // A row from before the escape holds its path as it was, backslashes included.
    expect(unescapeQuarantinePath('C:\\u0041', false)).to.equal('C:\\u0041')
  })

  it('round-trips random paths (seeded)', () => {
    const rng = fuzzPrng('quarantine path round trip')
    const alphabet = ['a', '.', '[', '0', ']', '\\', 'u', '\u0000', '\uD83D', '\uDE80', 'é', '"']
    for (let trial = 0; trial < 2000; trial++) {
      const path = Array.from({length: rng.int(12)}, () => alphabet[rng.int(alphabet.length)]).join('')
      const stored = escapeQuarantinePath(path)
      expect(hasUnstorableCharacters(stored), JSON.stringify(path)).to.equal(false)
      expect(unescapeQuarantinePath(stored, true), JSON.stringify(path)).to.equal(path)
    }
  })
})

import {expect} from 'chai'

import {
  escapeQuarantinePath,
  escapeQuarantinePaths,
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

  it("escapes a batch's paths as each alone, and hands back the batch itself when none needs it", () => {
    const rng = fuzzPrng('quarantine paths batch')
    const alphabet = ['a', '.', '[', '0', ']', '\\', '\u0000', '\uD83D', '\uDE80', 'é']
    for (let trial = 0; trial < 200; trial++) {
      const paths = Array.from({length: rng.int(6)}, () =>
        Array.from({length: rng.int(6)}, () => alphabet[rng.int(alphabet.length)]).join(''),
      )
      expect(escapeQuarantinePaths(paths), JSON.stringify(paths)).to.deep.equal(paths.map(escapeQuarantinePath))
    }
    const plain = ['Variables[3].Value', 'Password', 'Steps[0].SensitiveProperties.Octopus.Action.Password']
    expect(escapeQuarantinePaths(plain)).to.equal(plain)
  })
})

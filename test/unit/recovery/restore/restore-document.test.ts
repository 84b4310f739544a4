import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {findPath} from '../../../../src/recovery/restore/find-path.js'
import {restoreDocument} from '../../../../src/recovery/restore/restore-document.js'
import {parseJsonTree, scalarValue} from '../../../../src/recovery/json/json-tree.js'

const oldKey = generateMasterKey()
const currentKey = generateMasterKey()
const otherKey = generateMasterKey()
const opened = (value: unknown, key: Buffer) => {
  const result = decryptSensitiveValue(value, key)
  return result.kind === 'plaintext' ? result.plaintext : result.kind
}

describe('restoreDocument', () => {
  it('puts values back where still null, under the current key, and keeps every other byte', () => {
    const before = `{"Id":"VariableSets-1","Big":9007199254740993,"Price":1.50,
  "Variables":[{"Name":"A","Type":"Sensitive","Value":null},{"Name":"B","Type":"Sensitive","Value": null },
  {"Name":"C","Type":"String","Value":"Grüße \\u00e9"}]}`
    const result = restoreDocument(
      before,
      [
        {path: 'Variables[0].Value', value: encryptSensitiveValue('p@ss-Grüße-🚀', oldKey)},
        {path: 'Variables[1].Value', value: encryptSensitiveValue('second', oldKey)},
      ],
      oldKey,
      currentKey,
    )
    expect(result.outcomes).to.deep.equal(['restored', 'restored'])
    const after = JSON.parse(result.json!) as {Variables: Array<{Value: string}>}
    expect(opened(after.Variables[0].Value, currentKey)).to.equal('p@ss-Grüße-🚀')
    expect(opened(after.Variables[1].Value, currentKey)).to.equal('second')
    // Only the two nulls changed: put them back and the text is the original.
    let back = result.json!
    for (const v of after.Variables.slice(0, 2)) back = back.replace(JSON.stringify(v.Value), 'null')
    expect(back).to.equal(before)
  })

  it('never overwrites a value re-entered since the reset, and never guesses one the old key cannot open', () => {
    const reentered = encryptSensitiveValue('typed again', currentKey)
    const before = JSON.stringify({Password: reentered, Token: null})
    const result = restoreDocument(
      before,
      [
        {path: 'Password', value: encryptSensitiveValue('old', oldKey)},
        {path: 'Token', value: encryptSensitiveValue('not this key', otherKey)},
      ],
      oldKey,
      currentKey,
    )
    expect(result.outcomes).to.deep.equal(['re-entered', 'not-openable'])
    expect(result.json).to.equal(undefined)
  })

  it('reports values whose document or field is gone, or whose document no longer parses', () => {
    const value = encryptSensitiveValue('x', oldKey)
    expect(restoreDocument(undefined, [{path: 'Password', value}], oldKey, currentKey).outcomes).to.deep.equal([
      'missing',
    ])
    expect(restoreDocument('{"Other":null}', [{path: 'Password', value}], oldKey, currentKey).outcomes).to.deep.equal([
      'missing',
    ])
    expect(restoreDocument('{"Password":nul', [{path: 'Password', value}], oldKey, currentKey).outcomes).to.deep.equal([
      'missing',
    ])
  })

  it('fills one place once when two rows name it', () => {
    const value = encryptSensitiveValue('x', oldKey)
    const result = restoreDocument(
      '{"Password":null}',
      [
        {path: 'Password', value},
        {path: 'Password', value},
      ],
      oldKey,
      currentKey,
    )
    expect(result.outcomes).to.deep.equal(['restored', 're-entered'])
  })
})

describe('findPath', () => {
  it('follows property names that hold dots, and array indices', () => {
    const text = JSON.stringify({
      Steps: [{Actions: [{SensitiveProperties: {'Octopus.Action': 'no', 'Octopus.Action.Password': 'yes'}}]}],
      'Steps[0]': 'decoy',
    })
    const root = parseJsonTree(text)
    const at = (path: string) => {
      const node = findPath(root, path)
      return node && scalarValue(text, node)
    }
    expect(at('Steps[0].Actions[0].SensitiveProperties.Octopus.Action.Password')).to.equal('yes')
    expect(at('Steps[0].Actions[0].SensitiveProperties.Octopus.Action')).to.equal('no')
    expect(at('Steps[1].Actions[0]')).to.equal(undefined)
    expect(at('Missing')).to.equal(undefined)
  })
})

import {expect} from 'chai'

import {generateMasterKey} from '../../../../src/crypto/master-key.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../../src/crypto/sensitive-value.js'
import {SENSITIVE_CATALOG} from '../../../../src/recovery/catalog/catalog.js'
import {resetDocument} from '../../../../src/recovery/reset/reset-document.js'
import {findPlace} from '../../../../src/recovery/restore-quarantined/find-path.js'
import {
  type QuarantinedValueAt,
  restoreDocument,
} from '../../../../src/recovery/restore-quarantined/restore-document.js'
import {parseJsonTree, scalarValue} from '../../../../src/recovery/json/json-tree.js'

const oldKey = generateMasterKey()
const currentKey = generateMasterKey()
const otherKey = generateMasterKey()
const opened = (value: unknown, key: Buffer) => {
  const result = decryptSensitiveValue(value, key)
  return result.kind === 'plaintext' ? result.plaintext : result.kind
}
const VARIABLES = {table: 'VariableSet', documentId: 'VariableSets-1'}
const FEED = {table: 'Feed', documentId: 'Feeds-1'}
const variableSet = SENSITIVE_CATALOG.find((t) => t.table === 'VariableSet')!

interface Variable {
  Id?: string
  Name: string
  Type: string
  Value: string | null
}

/** Resets `document` as the reset does, and gives the quarantine rows it would write (with identities). */
function reset(document: {Variables: Variable[]}): {json: string; rows: QuarantinedValueAt[]} {
  const result = resetDocument(variableSet, VARIABLES.documentId, JSON.stringify(document))
  if (result.state !== 'scanned') throw new Error(result.state)
  const rows = result.leaves
    .filter((leaf) => leaf.outcome === 'reset')
    .map((leaf) => ({path: leaf.path, value: leaf.ciphertext!, kind: 'reset' as const, elementIds: leaf.elementIds}))
  return {json: result.json!, rows}
}

const variables = (json: string) => (JSON.parse(json) as {Variables: Variable[]}).Variables

describe('restoreDocument', () => {
  it('puts values back where still null, under the current key, and keeps every other byte', () => {
    const before = `{"Id":"VariableSets-1","Big":9007199254740993,"Price":1.50,
  "Variables":[{"Name":"A","Type":"Sensitive","Value":null},{"Name":"B","Type":"Sensitive","Value": null },
  {"Name":"C","Type":"String","Value":"Grüße \\u00e9"}]}`
    const result = restoreDocument(
      VARIABLES,
      before,
      [
        {
          path: 'Variables[0].Value',
          value: encryptSensitiveValue('p@ss-Grüße-🚀', oldKey),
          kind: 'reset',
          elementIds: '["A"]',
        },
        {
          path: 'Variables[1].Value',
          value: encryptSensitiveValue('second', oldKey),
          kind: 'reset',
          elementIds: '["B"]',
        },
      ],
      oldKey,
      currentKey,
    )
    expect(result.outcomes).to.deep.equal(['restored', 'restored'])
    expect(result.byPosition).to.deep.equal([false, false])
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
      FEED,
      before,
      [
        {path: 'Password', value: encryptSensitiveValue('old', oldKey), kind: 'reset', elementIds: '[]'},
        {path: 'Token', value: encryptSensitiveValue('not this key', otherKey), kind: 'reset'},
      ],
      oldKey,
      currentKey,
    )
    expect(result.outcomes).to.deep.equal(['re-entered', 'not-openable'])
    expect(result.json).to.equal(undefined)
  })

  it('reports values whose document or field is gone, or whose document no longer parses', () => {
    const value = encryptSensitiveValue('x', oldKey)
    const row = {path: 'Password', value, kind: 'reset' as const, elementIds: '[]'}
    for (const json of [undefined, '{"Other":null}', '{"Password":nul'])
      expect(restoreDocument(FEED, json, [row], oldKey, currentKey).outcomes).to.deep.equal(['missing'])
  })

  it('fills one place once when two rows name it', () => {
    const value = encryptSensitiveValue('x', oldKey)
    const row = {path: 'Password', value, kind: 'reset' as const, elementIds: '[]'}
    const result = restoreDocument(FEED, '{"Password":null}', [row, row], oldKey, currentKey)
    expect(result.outcomes).to.deep.equal(['restored', 're-entered'])
  })

  it('after a variable is deleted, writes no secret into the one that moved up; the moved one gets its own', () => {
    const {json, rows} = reset({
      Variables: [
        {Id: 'v-a', Name: 'A', Type: 'Sensitive', Value: encryptSensitiveValue('secret of A', oldKey)},
        {Id: 'v-b', Name: 'B', Type: 'Sensitive', Value: encryptSensitiveValue('secret of B', oldKey)},
      ],
    })
    expect(rows.map((r) => r.elementIds)).to.deep.equal(['["v-a"]', '["v-b"]'])
    // The operator deletes A, and adds C (sensitive, empty) at the end: B is now at A's old position.
    const now = variables(json).slice(1)
    now.push({Id: 'v-c', Name: 'C', Type: 'Sensitive', Value: null})
    const result = restoreDocument(VARIABLES, JSON.stringify({Variables: now}), rows, oldKey, currentKey)
    expect(result.outcomes).to.deep.equal(['missing', 'restored'])
    const after = variables(result.json!)
    expect(opened(after[0].Value, currentKey), 'B, now first').to.equal('secret of B')
    expect(after[1].Value, 'C receives nothing').to.equal(null)
  })

  it('finds an element by Name when it has no Id, and keeps a value whose element has neither where it was', () => {
    const {json, rows} = reset({
      Variables: [
        {Name: 'A', Type: 'Sensitive', Value: encryptSensitiveValue('secret of A', oldKey)},
        {Type: 'Sensitive', Value: encryptSensitiveValue('anonymous', oldKey)} as Variable,
      ],
    })
    expect(rows.map((r) => r.elementIds)).to.deep.equal(['["A"]', '[null]'])
    const swapped = variables(json).reverse()
    const result = restoreDocument(VARIABLES, JSON.stringify({Variables: swapped}), rows, oldKey, currentKey)
    // A moved and is found by its Name; the anonymous one's position now names A, which has an identity.
    expect(result.outcomes).to.deep.equal(['restored', 'missing'])
    expect(opened(variables(result.json!)[1].Value, currentKey)).to.equal('secret of A')
  })

  it('does not write into a variable that is no longer sensitive', () => {
    const {json, rows} = reset({
      Variables: [{Id: 'v-a', Name: 'A', Type: 'Sensitive', Value: encryptSensitiveValue('secret', oldKey)}],
    })
    const now = variables(json)
    now[0].Type = 'String'
    const result = restoreDocument(VARIABLES, JSON.stringify({Variables: now}), rows, oldKey, currentKey)
    expect(result.outcomes).to.deep.equal(['no-longer-sensitive'])
    expect(result.json).to.equal(undefined)
  })

  it('writes the copy of a duplicated key that the server reads (the last), never a shadowed one', () => {
    const value = encryptSensitiveValue('the secret', oldKey)
    const row = {path: 'Password', value, kind: 'reset' as const, elementIds: '[]'}
    const result = restoreDocument(FEED, '{"Password":null,"Name":"f","Password":null}', [row], oldKey, currentKey)
    expect(result.outcomes).to.deep.equal(['restored'])
    // JSON.parse reads the last copy, as the server does.
    expect(opened((JSON.parse(result.json!) as {Password: string}).Password, currentKey)).to.equal('the secret')
    expect(result.json!.startsWith('{"Password":null,')).to.equal(true)
    // A duplicated array: the shadowed copy is never written, even when the element is only there.
    const shadowed = '{"Variables":[{"Id":"v-a","Type":"Sensitive","Value":null}],"Variables":[]}'
    const row2 = {path: 'Variables[0].Value', value, kind: 'reset' as const, elementIds: '["v-a"]'}
    expect(restoreDocument(VARIABLES, shadowed, [row2], oldKey, currentKey).outcomes).to.deep.equal(['missing'])
  })

  it('restores a row from before identities by position, only where the condition holds and the value is null', () => {
    const value = encryptSensitiveValue('old row', oldKey)
    const now = JSON.stringify({
      Variables: [
        {Id: 'v-x', Type: 'Sensitive', Value: null},
        {Id: 'v-y', Type: 'String', Value: null},
      ],
    })
    const rows = [
      {path: 'Variables[0].Value', value},
      {path: 'Variables[1].Value', value},
    ]
    const result = restoreDocument(VARIABLES, now, rows, oldKey, currentKey)
    expect(result.outcomes).to.deep.equal(['restored', 'no-longer-sensitive'])
    expect(result.byPosition).to.deep.equal([true, false])
  })

  it('puts a salvaged value back only where the salvage’s ciphertext is still in place', () => {
    const written = encryptSensitiveValue('what a wrong candidate made of it', currentKey)
    const value = encryptSensitiveValue('the real secret', oldKey)
    const row = {path: 'Password', value, kind: 'salvage' as const, elementIds: '[]', written}
    const undone = restoreDocument(FEED, JSON.stringify({Password: written}), [row], oldKey, currentKey)
    expect(undone.outcomes).to.deep.equal(['restored'])
    expect(opened((JSON.parse(undone.json!) as {Password: string}).Password, currentKey)).to.equal('the real secret')
    const changed = encryptSensitiveValue('entered since', currentKey)
    for (const json of [JSON.stringify({Password: changed}), '{"Password":null}'])
      expect(restoreDocument(FEED, json, [row], oldKey, currentKey).outcomes).to.deep.equal(['re-entered'])
  })

  it('never restores the old server certificate: it is the witness of the old key', () => {
    const row = {path: 'CertificateData', value: encryptSensitiveValue('pfx', oldKey), kind: 'reset' as const}
    const at = {table: 'Configuration', documentId: 'certificate-global'}
    const result = restoreDocument(at, '{"CertificateData":null}', [row], oldKey, currentKey)
    expect(result.outcomes).to.deep.equal(['witness'])
    expect(result.json).to.equal(undefined)
  })
})

describe('findPlace', () => {
  it('follows property names that hold dots, and array indices', () => {
    const text = JSON.stringify({
      Steps: [{Actions: [{SensitiveProperties: {'Octopus.Action': 'no', 'Octopus.Action.Password': 'yes'}}]}],
      'Steps[0]': 'decoy',
    })
    const root = parseJsonTree(text)
    const at = (path: string, ids?: Array<string | null>) => {
      const node = findPlace(text, root, path, ids)?.node
      return node && scalarValue(text, node)
    }
    expect(at('Steps[0].Actions[0].SensitiveProperties.Octopus.Action.Password')).to.equal('yes')
    expect(at('Steps[0].Actions[0].SensitiveProperties.Octopus.Action')).to.equal('no')
    expect(at('Steps[0].Actions[0].SensitiveProperties.Octopus.Action', [null, null])).to.equal('no')
    expect(at('Steps[0].Actions[0].SensitiveProperties.Octopus.Action', [null])).to.equal(undefined)
    expect(at('Steps[1].Actions[0]')).to.equal(undefined)
    expect(at('Missing')).to.equal(undefined)
  })

  it('refuses an identity two elements share unless the recorded position still has it', () => {
    const text = JSON.stringify({Variables: [{Name: 'x', V: 1}, {Name: 'y'}, {Name: 'x', V: 2}]})
    const root = parseJsonTree(text)
    const node = (path: string, ids: string[]) => findPlace(text, root, path, ids)?.node
    expect(scalarValue(text, node('Variables[2].V', ['x'])!)).to.equal('2')
    expect(node('Variables[1].V', ['x'])).to.equal(undefined)
  })
})

import {expect} from 'chai'

import {CatalogPathError, parseCatalogPath, parseConditionKeys} from '../../../../src/recovery/catalog/catalog-path.js'
import {SENSITIVE_CATALOG} from '../../../../src/recovery/catalog/catalog.js'

const key = (name: string, each = false) => ({kind: 'key', key: name, each})
const VALUES = {kind: 'values'}

describe('catalog paths', () => {
  it('reads properties, array elements and object values', () => {
    expect(parseCatalogPath('Password')).to.deep.equal([key('Password')])
    expect(parseCatalogPath('Steps[].Actions[].SensitiveProperties.*')).to.deep.equal([
      key('Steps', true),
      key('Actions', true),
      key('SensitiveProperties'),
      VALUES,
    ])
  })

  it('reads a quoted key with dots as one property, after a dot or straight after a key', () => {
    const expected = [key('DisplaySettings'), key('Octopus.ControlType')]
    expect(parseCatalogPath('DisplaySettings["Octopus.ControlType"]')).to.deep.equal(expected)
    expect(parseCatalogPath('DisplaySettings.["Octopus.ControlType"]')).to.deep.equal(expected)
    expect(parseCatalogPath('["A.B"][].C')).to.deep.equal([key('A.B', true), key('C')])
    expect(parseCatalogPath('X["a\\"b]"]')).to.deep.equal([key('X'), key('a"b]')])
  })

  it('gives condition keys as a list of nested property names', () => {
    expect(parseConditionKeys('Type')).to.deep.equal(['Type'])
    expect(parseConditionKeys('DisplaySettings.ControlType')).to.deep.equal(['DisplaySettings', 'ControlType'])
    expect(parseConditionKeys('DisplaySettings["Octopus.ControlType"]')).to.deep.equal([
      'DisplaySettings',
      'Octopus.ControlType',
    ])
  })

  for (const [path, says] of [
    ['', 'expected a property name'],
    ['A..B', 'expected a property name'],
    ['A.', 'expected a property name'],
    ['A[0]', 'or the end'],
    ['A["B"', 'must end with'],
    ['A["B"]x', 'expected ".", "[\\"" or the end'],
    ['A[""]', 'must not be empty'],
    ['A["\\x"]', 'must be a JSON string'],
    ['A*', 'expected ".", "[\\"" or the end'],
  ] as const) {
    it(`refuses ${JSON.stringify(path)}, saying where and what`, () => {
      expect(() => parseCatalogPath(path))
        .to.throw(CatalogPathError, says)
        .with.property('message')
        .that.includes(JSON.stringify(path))
    })
  }

  it('refuses "[]" and "*" in a condition', () => {
    expect(() => parseConditionKeys('Items[].Type')).to.throw(CatalogPathError, 'properties only')
    expect(() => parseConditionKeys('Props.*')).to.throw(CatalogPathError, 'properties only')
  })

  it('parses every path, label and condition of the catalog', () => {
    let parsed = 0
    for (const {fields} of SENSITIVE_CATALOG) {
      for (const field of fields) {
        parseCatalogPath(field.path)
        if (field.label) parseCatalogPath(field.label)
        for (const condition of Object.keys(field.when ?? {})) parseConditionKeys(condition)
        parsed++
      }
    }
    expect(parsed).to.be.greaterThan(30)
  })
})

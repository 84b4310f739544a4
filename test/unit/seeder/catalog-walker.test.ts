import {expect} from 'chai'

import {findLeaves} from '../../../scripts/seeder/catalog-walker.js'

const values = (document: unknown, field: Parameters<typeof findLeaves>[1]) =>
  findLeaves(document, field).map(({holder, key}) => (holder as Record<string | number, unknown>)[key])

describe('seeder catalog walker', () => {
  it('follows properties, array elements and object values', () => {
    const document = {
      Steps: [
        {Actions: [{SensitiveProperties: {a: 1, b: 2}}, {SensitiveProperties: {}}]},
        {Actions: [{SensitiveProperties: {c: 3}}]},
      ],
      Endpoint: {Password: 'p'},
    }
    expect(values(document, {path: 'Steps[].Actions[].SensitiveProperties.*'})).to.deep.equal([1, 2, 3])
    expect(values(document, {path: 'Endpoint.Password'})).to.deep.equal(['p'])
    expect(values(document, {path: 'Endpoint.Missing'})).to.deep.equal([])
    expect(values(document, {path: 'Missing.Password'})).to.deep.equal([])
  })

  it('keeps only holders whose `when` conditions hold, nested ones included', () => {
    const document = {
      Variables: [
        {Value: 's', Type: 'Sensitive'},
        {Value: 'plain', Type: 'String'},
      ],
      Parameters: [
        {DefaultValue: 'd1', DisplaySettings: {ControlType: 'Sensitive'}},
        {DefaultValue: 'd2', DisplaySettings: {ControlType: 'SingleLineText'}},
        {DefaultValue: 'd3'},
      ],
      IsSensitive: true,
      Value: 'v',
    }
    expect(values(document, {path: 'Variables[].Value', when: {Type: 'Sensitive'}})).to.deep.equal(['s'])
    expect(
      values(document, {path: 'Parameters[].DefaultValue', when: {'DisplaySettings.ControlType': 'Sensitive'}}),
    ).to.deep.equal(['d1'])
    expect(values(document, {path: 'Value', when: {IsSensitive: true}})).to.deep.equal(['v'])
    expect(values(document, {path: 'Value', when: {IsSensitive: 'true'}})).to.deep.equal([])
  })

  it('walks nothing in values that are not plain objects (malformed shapes, raw text holders)', () => {
    expect(values({Variables: 'oops'}, {path: 'Variables[].Value'})).to.deep.equal([])
    expect(values({Endpoint: ['x']}, {path: 'Endpoint.Password'})).to.deep.equal([])
    expect(values(null, {path: 'Password'})).to.deep.equal([])
  })

  it('creates a missing slot, giving created holders the `when` values, so a new catalog entry is seeded', () => {
    const document: Record<string, unknown> = {Id: 'x', Name: 'n'}
    const slots = findLeaves(document, {path: 'Credentials[].Secret', when: {Kind: 'Api'}}, {create: true})
    expect(slots).to.have.length(1)
    expect(document.Credentials).to.deep.equal([{Kind: 'Api', Secret: null}])

    const props: Record<string, unknown> = {Id: 'y'}
    findLeaves(props, {path: 'Extra.SensitiveProperties.*'}, {create: true})
    expect(props.Extra).to.deep.equal({SensitiveProperties: {Value: null}})
  })

  it('does not create a slot on an existing holder whose conditions fail, nor in an existing empty array', () => {
    const account: Record<string, unknown> = {AccountType: 'Token'}
    expect(
      findLeaves(account, {path: 'Password', when: {AccountType: 'UsernamePassword'}}, {create: true}),
    ).to.have.length(0)
    expect(account).to.deep.equal({AccountType: 'Token'})
    const set = {Variables: []}
    expect(findLeaves(set, {path: 'Variables[].Value', when: {Type: 'Sensitive'}}, {create: true})).to.have.length(0)
    expect(set).to.deep.equal({Variables: []})
  })
})

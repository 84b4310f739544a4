import {expect} from 'chai'

import {PersonalReplacements} from '../../src/recovery/pii/personal-replacements.js'
import {Pseudonymizer} from '../../src/recovery/pii/pseudonymizer.js'
import {scrubEvent} from '../../src/recovery/pii/scrub-event.js'
import {scrubUser} from '../../src/recovery/pii/scrub-user.js'

describe('personal data scrub', () => {
  it('gives a person one pseudonym across their user row and the audit log', () => {
    const pseudonymizer = new Pseudonymizer()
    const everyone = new PersonalReplacements()
    const user = scrubUser(
      {
        Id: 'Users-1',
        Username: 'alice',
        DisplayName: 'Alice Example',
        EmailAddress: 'alice@corp.example',
        JSON: '{"Username":"alice","DisplayName":"Alice Example","Email":"alice@corp.example","Note":"alice likes tea","Big":9007199254740993}',
      },
      pseudonymizer,
      everyone,
    )
    const pseudonym = user.row.Username!
    expect(pseudonym).to.match(/^user-[0-9a-f]{8}$/)
    expect(user.row.DisplayName).to.equal(pseudonym)
    expect(user.row.EmailAddress).to.equal(`${pseudonym}@example.invalid`)
    expect(user.row.JSON).to.equal(
      `{"Username":"${pseudonym}","DisplayName":"${pseudonym}","Email":"${pseudonym}@example.invalid","Note":"alice likes tea","Big":9007199254740993}`,
    )
    const event = scrubEvent(
      {
        Id: 'Events-1',
        UserId: 'Users-1',
        Username: 'alice',
        IpAddress: '10.1.2.3',
        Message: 'alice@corp.example (Alice Example) signed in as alice',
        JSON: '{"Username":"alice","IpAddress":"10.1.2.3","Message":"Alice Example deployed"}',
      },
      new Set(['Users-1']),
      pseudonymizer,
      everyone,
    )
    expect(event.row).to.deep.equal({
      Id: 'Events-1',
      Username: pseudonym,
      IpAddress: null,
      Message: `${pseudonym}@example.invalid (${pseudonym}) signed in as ${pseudonym}`,
      JSON: `{"Username":"${pseudonym}","IpAddress":null,"Message":"${pseudonym} deployed"}`,
    })
  })

  it('gives two people two pseudonyms, and a name with no user one of its own', () => {
    const pseudonymizer = new Pseudonymizer()
    const everyone = new PersonalReplacements()
    const a = scrubUser({Id: 'Users-1', Username: 'a1', DisplayName: null, EmailAddress: null, JSON: null}, pseudonymizer, everyone)
    const b = scrubUser({Id: 'Users-2', Username: 'b2', DisplayName: null, EmailAddress: null, JSON: null}, pseudonymizer, everyone)
    expect(a.row.Username).to.not.equal(b.row.Username)
    const ghost = scrubEvent(
      {Id: 'Events-2', UserId: null, Username: 'departed', IpAddress: null, Message: 'departed did it', JSON: null},
      new Set(),
      pseudonymizer,
      everyone,
    )
    expect(ghost.row.Username).to.match(/^user-[0-9a-f]{8}$/).and.not.be.oneOf([a.row.Username, b.row.Username])
    expect(ghost.row.Message).to.equal(`${ghost.row.Username} did it`)
  })

  it('scrubs the text of a malformed document too, and counts it', () => {
    const everyone = new PersonalReplacements()
    const user = scrubUser({Id: 'Users-9', Username: 'zed', DisplayName: null, EmailAddress: null, JSON: '{"Username":"zed"'}, new Pseudonymizer(), everyone)
    expect(user.malformed).to.equal(true)
    expect(user.row.JSON).to.not.include('zed')
  })

  it('cannot be recomputed: two runs give the same person different pseudonyms', () => {
    const row = {Id: 'Users-1', Username: 'alice', DisplayName: null, EmailAddress: null, JSON: null}
    const first = scrubUser(row, new Pseudonymizer(), new PersonalReplacements()).row.Username
    const second = scrubUser(row, new Pseudonymizer(), new PersonalReplacements()).row.Username
    expect(first).to.not.equal(second)
  })
})

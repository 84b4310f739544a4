import {expect} from 'chai'

import {PersonalReplacements} from '../../../../src/recovery/pii/personal-replacements.js'
import {Pseudonymizer} from '../../../../src/recovery/pii/pseudonymizer.js'
import {scrubEvent} from '../../../../src/recovery/pii/scrub-event.js'
import {scrubUser} from '../../../../src/recovery/pii/scrub-user.js'
import {Prng} from '../../../../scripts/seeder/prng.js'

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
        JSON:
          '{"Username":"alice","DisplayName":"Alice Example","Email":"alice@corp.example","Note":"alice likes ' +
          'tea","Big":9007199254740993}',
      },
      pseudonymizer,
      everyone,
    )
    const pseudonym = user.row.Username!
    expect(pseudonym).to.match(/^user-[0-9a-f]{8}$/)
    expect(user.row.DisplayName).to.equal(pseudonym)
    expect(user.row.EmailAddress).to.equal(`${pseudonym}@example.invalid`)
    expect(user.row.JSON).to.equal(
      `{"Username":"${pseudonym}","DisplayName":"${pseudonym}","Email":"${pseudonym}@example.invalid","Note":"alice ` +
        `likes tea","Big":9007199254740993}`,
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
      new Map([['Users-1', pseudonym]]),
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
    const a = scrubUser(
      {Id: 'Users-1', Username: 'a1', DisplayName: null, EmailAddress: null, JSON: null},
      pseudonymizer,
      everyone,
    )
    const b = scrubUser(
      {Id: 'Users-2', Username: 'b2', DisplayName: null, EmailAddress: null, JSON: null},
      pseudonymizer,
      everyone,
    )
    expect(a.row.Username).to.not.equal(b.row.Username)
    const ghost = scrubEvent(
      {Id: 'Events-2', UserId: null, Username: 'departed', IpAddress: null, Message: 'departed did it', JSON: null},
      new Map(),
      pseudonymizer,
      everyone,
    )
    expect(ghost.row.Username)
      .to.match(/^user-[0-9a-f]{8}$/)
      .and.not.be.oneOf([a.row.Username, b.row.Username])
    expect(ghost.row.Message).to.equal(`${ghost.row.Username} did it`)
  })

  it('scrubs the text of a malformed document too, and counts it', () => {
    const everyone = new PersonalReplacements()
    const user = scrubUser(
      {Id: 'Users-9', Username: 'zed', DisplayName: null, EmailAddress: null, JSON: '{"Username":"zed"'},
      new Pseudonymizer(),
      everyone,
    )
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

describe('personal data scrub: whole names only', () => {
  const replacements = (entries: Array<[string, string]>) => {
    const everyone = new PersonalReplacements()
    for (const [name, pseudonym] of entries) everyone.add(name, pseudonym)
    return everyone
  }

  it('leaves a name inside a longer word or an Id as it is', () => {
    const everyone = replacements([
      ['admin', 'user-a'],
      ['al', 'user-b'],
    ])
    expect(everyone.inText('Already: al added admin to Teams-administrators, then admins and sysadmin left')).to.equal(
      'Already: user-b added user-a to Teams-administrators, then admins and sysadmin left',
    )
    expect(everyone.inText('Users-admin Teams-admin admin_2 2admin admin.example.com x.admin')).to.equal(
      'Users-admin Teams-admin admin_2 2admin admin.example.com x.admin',
    )
  })

  it('replaces a name next to punctuation: brackets, quotes, possessive, the end of a sentence', () => {
    const everyone = replacements([['admin', 'user-a']])
    expect(everyone.inText(`(admin) "admin" admin's admin, admin; admin: admin! ends with admin.`)).to.equal(
      `(user-a) "user-a" user-a's user-a, user-a; user-a: user-a! ends with user-a.`,
    )
    expect(everyone.inText('admin - on call\nadmin-\tadmin')).to.equal('user-a - on call\nuser-a-\tuser-a')
  })

  it('replaces an e-mail address whole, and a username inside another address not at all', () => {
    const everyone = replacements([
      ['admin@corp.com', 'user-a@example.invalid'],
      ['admin', 'user-a'],
    ])
    expect(everyone.inText('admin@corp.com wrote to admin@other.com and to admin.')).to.equal(
      'user-a@example.invalid wrote to admin@other.com and to user-a.',
    )
    expect(everyone.inText('<admin@corp.com>, mailto:admin@corp.com. x.admin@corp.com')).to.equal(
      '<user-a@example.invalid>, mailto:user-a@example.invalid. x.admin@corp.com',
    )
  })

  it('replaces names with spaces and Unicode letters whole, and prefers the longest', () => {
    const everyone = replacements([
      ['Jane', 'user-j'],
      ['Jane Doe', 'user-d'],
      ['Zoë', 'user-z'],
      ['Łukasz Åberg (000007)', 'user-l'],
    ])
    const text = 'Jane Doe met Jane, not Jane Doering or Janet; Zoë, Zoëlle and ÅZoë; Łukasz Åberg (000007)s'
    expect(everyone.inText(text)).to.equal(
      'user-d met user-j, not user-j Doering or Janet; user-z, Zoëlle and ÅZoë; user-ls',
    )
    // A letter outside the Basic Multilingual Plane continues a word too.
    expect(replacements([['bob', 'user-b']]).inText('𝒜bob bob𝒜 bob')).to.equal('𝒜bob bob𝒜 user-b')
  })

  it('finds a whole name that starts inside a longer candidate which is not whole', () => {
    const everyone = replacements([
      ['Jane Doe', 'user-d'],
      ['Doe', 'user-o'],
      ['Jane', 'user-j'],
    ])
    expect(everyone.inText('xJane Doe')).to.equal('xJane user-o')
    expect(everyone.inText('Jane Doex')).to.equal('user-j Doex')
  })

  it("keeps document Ids in an audit event's JSON while replacing the names in its strings", () => {
    const pseudonymizer = new Pseudonymizer()
    const everyone = new PersonalReplacements()
    const admin = {Id: 'Users-1', Username: 'admin', DisplayName: 'Al', EmailAddress: 'admin@corp.com', JSON: null}
    const user = scrubUser(admin, pseudonymizer, everyone)
    const p = user.row.Username!
    const event = scrubEvent(
      {
        Id: 'Events-1',
        UserId: 'Users-1',
        Username: 'admin',
        IpAddress: null,
        Message: 'Al added admin to Teams-administrators. Already done.',
        JSON:
          '{"RelatedDocumentIds":["Teams-administrators","Users-1"],' +
          '"Message":"Al added admin (admin@corp.com)","Note":"Already"}',
      },
      new Map([['Users-1', p]]),
      pseudonymizer,
      everyone,
    )
    expect(event.row.Message).to.equal(`${p} added ${p} to Teams-administrators. Already done.`)
    expect(event.row.JSON).to.equal(
      '{"RelatedDocumentIds":["Teams-administrators","Users-1"],' +
        `"Message":"${p} added ${p} (${p}@example.invalid)","Note":"Already"}`,
    )
  })
})

/**
 * Seeded property test: texts are built from pieces whose expected outcome is known — a name standing alone
 * between separators (replaced), and a name glued into a longer token (kept) — with filler words drawn from
 * letters the names never use, so no piece can hold a name by accident.
 */
describe('personal data scrub: whole names, seeded property test', () => {
  const seed = Number(process.env.PII_SEED ?? Date.now() % 1_000_000)
  const NAME_LETTERS = [...'abcdeëłø', ...'ABCDÉ', ...'0123']
  const FILLER_LETTERS = [...'uvwxyzжß', ...'XYZ']
  const SEPARATORS = [' ', ', ', ' (', ') ', '"', `'s `, '. ', '.\n', '\t', ': ', ' - ', '<', '> ', '/', '!']
  const GLUE_BEFORE = ['x', 'Ж', '_', '9', 'Teams-', 'corp.', 'box@', 'ß-']
  const GLUE_AFTER = ['s', 'ж', '_', '7', '-team', '.example', '@corp.com', '-ß']

  it(`replaces exactly the whole names (seed ${seed}; rerun with PII_SEED=${seed})`, () => {
    console.log(`      whole-name property test seed: ${seed}`)
    const rng = new Prng(seed, 'whole-names')
    const word = (letters: string[]) => Array.from({length: 1 + rng.int(6)}, () => rng.pick(letters)).join('')
    for (let trial = 0; trial < 500; trial++) {
      // Names may hold a space, a dot or a hyphen inside (`Jane Doe`, `j.doe`, `Ann-Marie`), never at an edge.
      const names = new Map<string, string>()
      while (names.size < 1 + rng.int(4)) {
        const inner = rng.pick([' ', '.', '-'])
        const name = rng.chance(0.4) ? word(NAME_LETTERS) + inner + word(NAME_LETTERS) : word(NAME_LETTERS)
        names.set(name, `user-${String(names.size).padStart(8, '0')}`)
      }
      const list = [...names.keys()]
      // A glued name with a space would hold its last word as a whole word of its own.
      const glueable = list.filter((name) => !name.includes(' '))
      let text = ''
      let expected = ''
      for (let piece = 0; piece < 12; piece++) {
        const separator = rng.pick(SEPARATORS)
        const roll = rng.int(3)
        if (roll === 0) {
          const name = rng.pick(list)
          text += name + separator
          expected += names.get(name)! + separator
        } else if (roll === 1 && glueable.length > 0) {
          const name = rng.pick(glueable)
          const glued = rng.chance(0.5) ? rng.pick(GLUE_BEFORE) + name : name + rng.pick(GLUE_AFTER)
          text += glued + separator
          expected += glued + separator
        } else {
          const filler = word(FILLER_LETTERS)
          text += filler + separator
          expected += filler + separator
        }
      }
      const everyone = new PersonalReplacements()
      for (const [name, pseudonym] of names) everyone.add(name, pseudonym)
      const context = `trial ${trial}, names ${JSON.stringify(list)}, text ${JSON.stringify(text)}`
      expect(everyone.inText(text), context).to.equal(expected)
    }
  })
})

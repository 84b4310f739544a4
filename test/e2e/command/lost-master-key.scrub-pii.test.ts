import {expect} from 'chai'

import {createLostServer, type LostServer, query} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

/** People whose names are also ordinary words and parts of Ids: the cases substring replacement got wrong. */
const PEOPLE = [
  {Id: 'Users-901', Username: 'admin', DisplayName: 'Al', EmailAddress: 'admin@corp.com'},
  {Id: 'Users-902', Username: 'jane', DisplayName: 'Jane Doe', EmailAddress: 'jane.doe@corp.com'},
  {Id: 'Users-903', Username: 'zoe', DisplayName: 'Zoë', EmailAddress: 'zoe@corp.com'},
]

const MESSAGE =
  'Al added admin (admin@corp.com) and Jane Doe to Teams-administrators. ' +
  "Already done; Zoë's and Zoëlle's too, not admin@other.com."
const EVENT_JSON = JSON.stringify({
  Id: 'Events-901',
  Message: MESSAGE,
  RelatedDocumentIds: ['Teams-administrators', 'Users-901', 'Projects-admin-portal'],
  ChangeDetails: {DocumentContext: {Name: 'administrators', Actor: 'Jane Doe'}},
  Details: 'Alerts sent to jane.doe@corp.com; janet unchanged',
})

for (const engine of testEngines())
  describe(`server:lost-master-key --scrubPii replaces whole names only, on ${engine}`, () => {
    let server: LostServer

    afterEach(() => server?.dispose())

    it('keeps Ids and longer words intact in the audit log while every whole name becomes its pseudonym', async () => {
      server = await createLostServer({documents: 60, seed: 31, engine})
      const url = server.database.url
      for (const person of PEOPLE) {
        await query(
          url,
          'INSERT INTO "User" ("Id", "JSON", "Username", "DisplayName", "EmailAddress") VALUES ($1, $2, $3, $4, $5)',
          [person.Id, JSON.stringify(person), person.Username, person.DisplayName, person.EmailAddress],
        )
      }
      await query(
        url,
        `INSERT INTO "Event" ("Id", "JSON", "Occurred", "Category", "UserId", "Username", "IpAddress", "Message")
       VALUES ('Events-901', $1, CURRENT_TIMESTAMP, 'Modified', 'Users-901', 'admin', '10.0.0.1', $2)`,
        [EVENT_JSON, MESSAGE],
      )

      const run = await runLostMasterKey([...CONFIRMED, '--scrubPii'], server.env)
      expect(run.exitCode, run.message).to.equal(0)

      const users = await query<{Id: string; Username: string}>(
        url,
        `SELECT "Id", "Username" FROM "User" WHERE "Id" LIKE 'Users-90_'`,
      )
      const pseudonym = Object.fromEntries(users.map((user) => [user.Id, user.Username]))
      const [admin, jane, zoe] = PEOPLE.map((person) => pseudonym[person.Id])
      for (const p of [admin, jane, zoe]) expect(p).to.match(/^user-[0-9a-f]{8}$/)

      const [event] = await query<{Username: string; IpAddress: string | null; Message: string; JSON: string}>(
        url,
        `SELECT "Username", "IpAddress", "Message", "JSON" FROM "Event" WHERE "Id" = 'Events-901'`,
      )
      const expectedMessage =
        `${admin} added ${admin} (${admin}@example.invalid) and ${jane} to Teams-administrators. ` +
        `Already done; ${zoe}'s and Zoëlle's too, not admin@other.com.`
      expect(event.Username).to.equal(admin)
      expect(event.IpAddress).to.equal(null)
      expect(event.Message).to.equal(expectedMessage)
      expect(JSON.parse(event.JSON)).to.deep.equal({
        Id: 'Events-901',
        Message: expectedMessage,
        RelatedDocumentIds: ['Teams-administrators', 'Users-901', 'Projects-admin-portal'],
        ChangeDetails: {DocumentContext: {Name: 'administrators', Actor: jane}},
        Details: `Alerts sent to ${jane}@example.invalid; janet unchanged`,
      })
    })
  })

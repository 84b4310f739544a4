import {expect} from 'chai'
import pg from 'pg'

import {createTestDatabase} from '../support/test-database.js'

describe('test database', () => {
  it('is a real PostgreSQL reached over a connection', async () => {
    const database = await createTestDatabase()
    const client = new pg.Client({connectionString: database.url})
    await client.connect()
    try {
      const {rows} = await client.query('SELECT current_database() AS name, version() AS version')
      expect(rows[0].name).to.equal(database.name)
      expect(rows[0].version).to.match(/^PostgreSQL \d+/)
    } finally {
      await client.end()
      await database.drop()
    }
  })
})

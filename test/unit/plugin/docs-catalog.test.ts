import {expect} from 'chai'
import {readFile} from 'node:fs/promises'

import {CATALOG_BLOCK, CATALOG_DOC, catalogLines} from '../../../scripts/lib/docs-catalog.js'
import {fillBlock, findBlock} from '../../../scripts/lib/marked-block.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'

describe('docs/catalog.md', () => {
  it('holds the tables `npm run readme` generates from the catalog', async () => {
    const text = await readFile(CATALOG_DOC, 'utf8')
    expect(findBlock(text, CATALOG_BLOCK), 'the <!-- catalog --> markers').to.not.equal(undefined)
    expect(text, 'run `npm run readme`').to.equal(fillBlock(text, CATALOG_BLOCK, catalogLines(), CATALOG_DOC))
  })

  it('has a row for every field of every table', () => {
    const lines = catalogLines()
    for (const {table, fields} of SENSITIVE_CATALOG) {
      const rows = lines.filter((line) => line.startsWith(`| ${table} (`))
      expect(rows, table).to.have.length(fields.length)
    }
  })
})

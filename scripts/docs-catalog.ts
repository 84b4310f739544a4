/** Rewrites docs/catalog.md's generated tables from src/recovery/catalog/catalog.ts (run by `npm run readme`). */
import {readFile, writeFile} from 'node:fs/promises'

import {CATALOG_BLOCK, CATALOG_DOC, catalogLines} from './lib/docs-catalog.js'
import {fillBlock} from './lib/marked-block.js'

const text = await readFile(CATALOG_DOC, 'utf8')
await writeFile(CATALOG_DOC, fillBlock(text, CATALOG_BLOCK, catalogLines(), CATALOG_DOC))
console.log(`${CATALOG_DOC}: catalog tables written`)

/** Rewrites the README's exit-code table from src/exit-codes.ts (run by `npm run readme`). */
import {readFile, writeFile} from 'node:fs/promises'

import {fillBlock} from './lib/marked-block.js'
import {EXIT_CODES_BLOCK, exitCodeLines} from './lib/readme-exit-codes.js'

const README = 'README.md'
await writeFile(README, fillBlock(await readFile(README, 'utf8'), EXIT_CODES_BLOCK, exitCodeLines(), README))
console.log(`${README}: exit-code table written`)

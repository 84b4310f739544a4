/** Rewrites the README's exit-code table from src/exit-codes.ts (run by `npm run readme`). */
import {readFile, writeFile} from 'node:fs/promises'

import {exitCodeBlock, EXIT_CODES_START, findExitCodeBlock} from './lib/readme-exit-codes.js'

const README = 'README.md'
const readme = await readFile(README, 'utf8')
const block = findExitCodeBlock(readme)
if (!block) {
  console.error(`${README} has no ${EXIT_CODES_START} block to fill.`)
  process.exit(1)
}
await writeFile(README, readme.slice(0, block.start) + exitCodeBlock() + readme.slice(block.end))
console.log(`${README}: exit-code table written`)

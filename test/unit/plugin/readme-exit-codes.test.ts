import {expect} from 'chai'
import {readFile} from 'node:fs/promises'

import {fillBlock, findBlock} from '../../../scripts/lib/marked-block.js'
import {EXIT_CODES_BLOCK, exitCodeLines} from '../../../scripts/lib/readme-exit-codes.js'
import {EXIT_CODES} from '../../../src/exit-codes.js'

describe("the README's exit codes", () => {
  it('are the table `npm run readme` generates from src/exit-codes.ts', async () => {
    const readme = await readFile('README.md', 'utf8')
    expect(findBlock(readme, EXIT_CODES_BLOCK), 'the README has the <!-- exit-codes --> markers').to.not.equal(
      undefined,
    )
    expect(readme, 'run `npm run readme`').to.equal(fillBlock(readme, EXIT_CODES_BLOCK, exitCodeLines(), 'README.md'))
  })

  it('list every code with its words', () => {
    const block = exitCodeLines().join('\n')
    for (const {code, meaning} of EXIT_CODES) expect(block).to.include(`| ${code} |`).and.include(meaning)
  })
})

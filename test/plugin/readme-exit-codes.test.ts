import {expect} from 'chai'
import {readFile} from 'node:fs/promises'

import {exitCodeBlock, findExitCodeBlock} from '../../scripts/lib/readme-exit-codes.js'
import {EXIT_CODES} from '../../src/exit-codes.js'

describe("the README's exit codes", () => {
  it('are the table `npm run readme` generates from src/exit-codes.ts', async () => {
    const readme = await readFile('README.md', 'utf8')
    const block = findExitCodeBlock(readme)
    expect(block, 'the README has the <!-- exit-codes --> markers').to.not.equal(undefined)
    expect(readme.slice(block!.start, block!.end), 'run `npm run readme`').to.equal(exitCodeBlock())
  })

  it('list every code with its words', () => {
    const block = exitCodeBlock()
    for (const {code, meaning} of EXIT_CODES) expect(block).to.include(`| ${code} |`).and.include(meaning)
  })
})

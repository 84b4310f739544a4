import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {readFile} from 'node:fs/promises'

/** The README's generated command reference, between its markers. */
function referenceBlock(text: string): string {
  const start = text.search(/^<!-- commands -->$/m)
  const end = text.search(/^<!-- commandsstop -->$/m)
  expect(start, 'the README has the commands marker').to.be.greaterThan(-1)
  expect(end).to.be.greaterThan(start)
  return text.slice(start, end)
}

describe('the README', function () {
  this.timeout(120_000)

  it('holds the command reference that `npm run readme` generates from the code', async () => {
    const generated = execFileSync('npx', ['oclif', 'readme', '--dry-run', '--no-aliases'], {
      encoding: 'utf8',
      env: {...process.env, NODE_ENV: 'development', OCLIF_COLUMNS: '120'},
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    // oclif readme leaves out, without a word, a command that does not load: both blocks would then be empty.
    expect(referenceBlock(generated), 'the command loads').to.include('## `recover server:lost-master-key`')
    const readme = await readFile('README.md', 'utf8')
    expect(referenceBlock(readme), 'run `npm run readme`').to.equal(referenceBlock(generated))
  })
})

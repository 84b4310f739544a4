import {expect} from 'chai'
import {chmod, mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {babelfishMissing, startBabelfish} from '../../../scripts/lib/babelfish.js'
import {processesNaming} from '../../../scripts/lib/proc-stat.js'

/**
 * The start the global setup and the demo use (scripts/lib/babelfish.ts), broken on purpose after the server came
 * up: the start script's setup SQL rejects the login name. Needs no global setup.
 */
describe('a Babelfish start that fails half-way', () => {
  let parent: string

  before(async function () {
    if (babelfishMissing()) this.skip()
    // Where the `postgres` user the script switches to under root can reach the data folder.
    parent = await mkdtemp(path.join(tmpdir(), 'lost-master-key-bbf-start-'))
    await chmod(parent, 0o755)
  })
  after(() => parent && rm(parent, {recursive: true, force: true}))

  it(
    'stops the server it started, removes its folder and rejects within seconds with the script’s own error ' +
      '(skipped when ../shared/babelfish is missing)',
    async () => {
      const startedAt = Date.now()
      const failure = await startBabelfish({user: 'not a login', dataParent: parent}).then(
        async (server) => {
          await server.stop()
          return new Error('Babelfish started with a login name its setup SQL cannot create')
        },
        (error: unknown) => error as Error,
      )
      const seconds = (Date.now() - startedAt) / 1000
      console.log(`      the failed start took ${seconds.toFixed(1)} s`)

      expect(failure.message).to.include('Babelfish did not start').and.include('syntax error')
      expect(failure.message).to.not.include('ENOTEMPTY').and.not.include('cleaning up failed')
      expect(seconds).to.be.below(30)
      expect(await processesNaming(parent), 'servers left running').to.deep.equal([])
      expect(await readdir(parent), 'folders left behind').to.deep.equal([])
    },
  )
})

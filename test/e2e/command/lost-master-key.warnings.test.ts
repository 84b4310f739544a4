import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {createLostServer, type LostServer} from '../../support/lost-server.js'
import {collectProcessWarnings} from '../../support/process-warnings.js'
import {CONFIRMED, runLostMasterKey} from '../../support/run-command.js'

describe('server:lost-master-key emits no process warning', () => {
  let server: LostServer

  afterEach(() => server?.dispose())

  it('a long run with --reportFile waits on the re-entry list many times without piling up listeners', async () => {
    // Enough values that the list's buffer fills in well over 10 batches: each wait once left a listener behind.
    server = await createLostServer({documents: 4000, seed: 32})
    const reportFile = path.join(server.root, 're-enter.csv')
    const args = [...CONFIRMED, '--reportFile', reportFile]
    const {result: run, warnings} = await collectProcessWarnings(() => runLostMasterKey(args, server.env))
    expect(run.exitCode, run.message).to.equal(0)
    expect(warnings.map((warning) => `${warning.name}: ${warning.message}`)).to.deep.equal([])
    const rows = (await readFile(reportFile, 'utf8')).trimEnd().split('\n').length - 1
    console.log(`      ${rows} re-entry rows written`)
    expect(rows).to.be.greaterThan(5000)
  })
})

import {expect} from 'chai'
import path from 'node:path'

import {makeImmutable} from '../matrix/support/file-system-traps.js'
import {runLostMasterKey} from '../../support/run-command.js'
import {expectConverges, expectNothingChanged, snapshot} from './support/consistency.js'
import {createFaultServer, type FaultServer, runArgs} from './support/fault-server.js'

/**
 * The config's folder cannot be written (docs/recovery.md, "Refusals come first"; the new key must reach the config
 * before any data changes): refused with exit 7 before the database is touched, nothing left behind, and once
 * the folder is writable again the same command finishes the job. Root ignores mode bits, so the folder is made
 * immutable (`chattr +i`), which binds root too.
 */
describe('faults: the config folder is read-only', () => {
  let target: FaultServer | undefined

  afterEach(() => target?.server.dispose())

  const title = 'refused before the database changes (exit 7), then converges once writable (root only: chattr +i)'
  it(title, async function () {
    if (process.getuid?.() !== 0) this.skip()
    target = await createFaultServer({seed: 80})
    const before = await snapshot(target)
    const writable = makeImmutable(path.dirname(target.configPath))
    let run
    try {
      run = await runLostMasterKey(runArgs(target), target.server.env)
    } finally {
      writable()
    }
    expect(run.exitCode, run.message).to.equal(7)
    expect(run.message).to.include('Could not write the config file').and.include('The config file is unchanged')
    await expectNothingChanged(target, before)
    await expectConverges(target, 'reset')
  })
})

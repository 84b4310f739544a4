import {expect} from 'chai'

import {ROTATION, RESTORE} from './support/commands-under-fault.js'
import {expectNothingChanged, expectNoTemporaries} from './support/consistency.js'
import {serverStopHooks} from './support/server-stop.js'

/**
 * docs/recovery.md, "When something fails", for the rotation and the restore: the database server dies inside the
 * command's one transaction (support/server-stop.ts). Nothing was committed: the command exits 8 and says so (the
 * rotation also puts the previous config back); once the server is started again the database, the config and the
 * files are as they were, and the same command finishes the job.
 */
describe('faults: the database server stops hard inside the rotation and the restore', () => {
  const stop = serverStopHooks()

  const cases = [
    // The rotation seals its key at the end of the transaction: not yet, after three batches.
    {command: ROTATION, says: /The database transaction was rolled back: nothing was changed/, seed: 195},
    {command: RESTORE, says: /rolled back/, seed: 196},
  ]
  for (const {command, says, seed} of cases)
    it(`${command.id}, killed after three batches: exit 8; restarted, nothing changed; re-run converges`, async () => {
      const {target, before} = await stop.arm((options) => command.create(options), seed)

      const run = await command.run(target)
      await stop.expectStruckAndRestart()
      expect(run.exitCode, run.message).to.equal(8)
      expect(run.message).to.match(says)
      await expectNothingChanged(target, before)
      await expectNoTemporaries(target)
      await command.expectConverges(target)
    })
})

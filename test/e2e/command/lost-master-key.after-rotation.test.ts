import {expect} from 'chai'

import {createLostServer, databaseFingerprint, type LostServer} from '../../support/lost-server.js'
import {CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const SEED = 37

for (const engine of testEngines())
  describe(`server:lost-master-key after a reset and then a rotation, on ${engine}`, () => {
    let server: LostServer

    before(async () => {
      console.log(`      seed ${SEED}`)
      server = await createLostServer({documents: 60, seed: SEED, engine})
      const reset = await runLostMasterKey(CONFIRMED, server.env)
      expect(reset.exitCode, reset.message).to.equal(0)
      // The rotation keeps the certificate the reset issued: its thumbprint is the reset's event's.
      const rotate = await runPluginCommand(
        'server:rotate-master-key',
        ['--iReallyWantToRotateMyMasterKey', '--iHaveBackedUpMyDatabase', '--skipBackupCheck'],
        server.env,
      )
      expect(rotate.exitCode, rotate.message).to.equal(0)
    })

    after(() => server.dispose())

    it('says the key is not lost and points at the check (4), not that the reset is already done', async () => {
      const fingerprint = await databaseFingerprint(server.database.url)
      const run = await runLostMasterKey(CONFIRMED, server.env)
      expect(run.exitCode, run.stdout + run.message).to.equal(4)
      expect(run.stdout + run.message).to.not.include('Already done')
      expect(run.message).to.match(/still works: .*The key is not lost, it opens this database/)
      expect(run.message).to.include('server:check-master-key')
      expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
    })
  })

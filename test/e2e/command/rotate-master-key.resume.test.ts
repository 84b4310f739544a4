import {expect} from 'chai'

import {readBackSensitive} from '../../../scripts/seeder/verify-seed.js'
import {generateMasterKey} from '../../../src/crypto/master-key.js'
import {readConfigFile, writeConfigFileAtomic} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey, sealNewMasterKey} from '../../../src/instance/current-master-key.js'
import {SENSITIVE_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import type {RotateReport} from '../../../src/recovery/rotate-master-key/rotate-report.js'
import {createLostServer, type LostServer} from '../../support/lost-server.js'
import {runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const ROTATE_ID = 'server:rotate-master-key'
const CONFIRMED = ['--iReallyWantToRotateMyMasterKey', '--iHaveBackedUpMyDatabase', '--skipBackupCheck']

for (const engine of testEngines())
  describe(`server:rotate-master-key after a rotation stopped before its commit, on ${engine}`, () => {
    let server: LostServer
    let sealedKey: Buffer

    before(async () => {
      server = await createLostServer({documents: 120, seed: 61, engine, keepMachineKey: true})
      // What a rotation killed between persisting its key and COMMIT leaves: the config holds a key the database does
      // not know yet, and the previous config (the database's key) is kept beside it.
      const config = await readConfigFile(server.seeded.configPath)
      const sealed = await sealNewMasterKey(config, generateMasterKey(32), server.env)
      await writeConfigFileAtomic(config.path, sealed.text, 'rotate-master-key')
      sealedKey = sealed.key
    })

    after(() => server.dispose())

    it('finds the key in the kept copy and finishes the rotation with the key the config already holds', async () => {
      const run = await runPluginCommand(ROTATE_ID, [...CONFIRMED, '--json'], server.env)
      expect(run.exitCode, run.message).to.equal(0)
      const report = JSON.parse(run.stdout) as RotateReport
      expect(report.outcome).to.equal('rotated')
      expect(report.resumedFrom).to.include('.before-rotate-master-key-')
      const key = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
      expect(key.kind === 'available' && key.key.equals(sealedKey), 'the config keeps the key it held').to.equal(true)
      const now = await readBackSensitive(server.database.url, sealedKey)
      for (const {table} of SENSITIVE_CATALOG)
        if (table !== 'Configuration')
          expect(now.sensitive[table].readable, table).to.equal(server.seeded.sensitive[table].readable)
    })
  })

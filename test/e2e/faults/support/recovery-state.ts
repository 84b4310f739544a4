import {testCurrentKey} from '../../../../src/crypto/current-key-test.js'
import {readConfigFile} from '../../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../../src/instance/current-master-key.js'
import {type LostServer, query} from '../../../support/lost-server.js'

/** Does the key now in the config open the certificate now in the database? */
export async function configKeyOpensCertificate(server: LostServer): Promise<boolean> {
  const key = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
  if (key.kind !== 'available') return false
  const certificateQuery = `SELECT "JSON" FROM "Configuration" WHERE "Id" = 'certificate-global'`
  const [certificate] = await query<{JSON: string}>(server.database.url, certificateQuery)
  return testCurrentKey(key.key, certificate.JSON).verdict === 'works'
}

/** The audit events of committed recoveries. */
export const recoveryEvents = (server: LostServer) =>
  query<{Id: string}>(server.database.url, `SELECT "Id" FROM "Event" WHERE "Category" = 'MasterKeyReset'`)

import {expect} from 'chai'

import {generateMasterKey} from '../../../src/crypto/master-key.js'
import {decryptSensitiveValue, encryptSensitiveValue} from '../../../src/crypto/sensitive-value.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {readCurrentMasterKey} from '../../../src/instance/current-master-key.js'
import {createLostServer, databaseFingerprint, type LostServer, query} from '../../support/lost-server.js'
import {luckyValue} from '../../support/lucky-values.js'
import {CONFIRMED, runLostMasterKey, runPluginCommand} from '../../support/run-command.js'
import {testEngines} from '../../support/targets.js'

const SEED = 2207
const BACKED_UP = ['--iHaveBackedUpMyDatabase', '--skipBackupCheck']
/** A key inside SensitiveProperties with a NUL in it: PostgreSQL's text cannot hold the path as it is. */
const NUL_KEY = 'Octopus.Action.Password\u0000legacy'

interface Variable {
  Id: string
  Name: string
  Type: string
  Value: string | null
}

/** The documents of these tests, with ciphertexts under the old (lost) key. */
function documents(oldKey: Buffer): Array<{table: string; id: string; json: string; columns: Record<string, string>}> {
  const cipher = (text: string) => encryptSensitiveValue(text, oldKey)
  const variable = (id: string, type: string, value: string | null): Variable => ({
    Id: id,
    Name: id,
    Type: type,
    Value: value,
  })
  return [
    {
      table: 'VariableSet',
      id: 'variableset-identity',
      json: JSON.stringify({
        Id: 'variableset-identity',
        Variables: [
          variable('v-a', 'Sensitive', cipher('secret of A')),
          variable('v-b', 'Sensitive', cipher('secret of B')),
          variable('v-t', 'Sensitive', cipher('secret of T')),
          variable('v-c', 'Sensitive', null),
        ],
      }),
      columns: {},
    },
    {
      table: 'VariableSet',
      id: 'variableset-old-row',
      json: JSON.stringify({
        Id: 'variableset-old-row',
        Variables: [variable('v-x', 'Sensitive', cipher('secret of X'))],
      }),
      columns: {},
    },
    {
      // The server reads the last copy of a key: that copy is the one that held the secret.
      table: 'Account',
      id: 'accounts-duplicate',
      json: `{"Name":"dup","AccountType":"UsernamePassword","Password":null,"Password":${JSON.stringify(
        cipher('secret of the account'),
      )}}`,
      columns: {Name: 'dup', AccountType: 'UsernamePassword'},
    },
    {
      table: 'DeploymentProcess',
      id: 'deploymentprocess-nul',
      json: JSON.stringify({
        Id: 'deploymentprocess-nul',
        Steps: [{Id: 'step-1', Name: 'Deploy', SensitiveProperties: {[NUL_KEY]: cipher('secret under NUL')}}],
      }),
      columns: {},
    },
  ]
}

async function insert(server: LostServer, table: string, id: string, json: string, columns: Record<string, string>) {
  const names = ['Id', 'JSON', ...Object.keys(columns)]
  const values = [id, json, ...Object.values(columns)]
  await query(
    server.database.url,
    `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) ` +
      `VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  )
}

async function documentJson(server: LostServer, table: string, id: string): Promise<string> {
  const [row] = await query<{JSON: string}>(server.database.url, `SELECT "JSON" FROM "${table}" WHERE "Id" = $1`, [id])
  return row.JSON
}

for (const engine of testEngines())
  describe(`server:restore-quarantined follows identity and proves the old key first, on ${engine}`, () => {
    let server: LostServer
    let oldKey: Buffer
    let currentKey: Buffer

    const outputs: string[] = []
    const restore = async (args: string[]) => {
      const run = await runPluginCommand('server:restore-quarantined', args, server.env)
      outputs.push(run.stdout + run.stderr + run.message)
      return run
    }
    const opened = (value: unknown) => {
      const result = decryptSensitiveValue(value, currentKey)
      return result.kind === 'plaintext' ? result.plaintext : result.kind
    }

    before(async () => {
      console.log(`      seed ${SEED}`)
      server = await createLostServer({documents: 40, seed: SEED, engine})
      oldKey = server.seeded.masterKey
      for (const {table, id, json, columns} of documents(oldKey)) await insert(server, table, id, json, columns)
      const reset = await runLostMasterKey(['--instance', 'OctopusServer', ...CONFIRMED, '--json'], server.env)
      expect(reset.exitCode, reset.message).to.equal(0)
      expect(JSON.parse(reset.stdout).totals.escapedPaths, 'the NUL path is reported').to.equal(1)
      const current = await readCurrentMasterKey(await readConfigFile(server.seeded.configPath), server.env)
      if (current.kind !== 'available') throw new Error(current.reason)
      currentKey = current.key

      // Since the reset: variable A is deleted (the others move up) and T is no longer sensitive.
      const set = JSON.parse(await documentJson(server, 'VariableSet', 'variableset-identity')) as {
        Variables: Variable[]
      }
      set.Variables = set.Variables.filter((v) => v.Id !== 'v-a')
      set.Variables.find((v) => v.Id === 'v-t')!.Type = 'String'
      await query(server.database.url, `UPDATE "VariableSet" SET "JSON" = $1 WHERE "Id" = $2`, [
        JSON.stringify(set),
        'variableset-identity',
      ])
      // A row as a version before identities wrote it: no kind, no identities.
      await query(
        server.database.url,
        `UPDATE "LostMasterKeyQuarantine" SET "Kind" = NULL, "ElementIds" = NULL WHERE "DocumentId" = $1`,
        ['variableset-old-row'],
      )
    })

    after(() => server.dispose())

    it('quarantined the NUL key’s value under an escaped path, and each variable with its identity', async () => {
      const rows = await query<{DocumentId: string; Path: string; ElementIds: string | null}>(
        server.database.url,
        `SELECT "DocumentId", "Path", "ElementIds" FROM "LostMasterKeyQuarantine"
         WHERE "DocumentId" IN ('deploymentprocess-nul', 'variableset-identity') ORDER BY "DocumentId", "Path"`,
      )
      expect(rows).to.deep.equal([
        {
          DocumentId: 'deploymentprocess-nul',
          Path: 'Steps[0].SensitiveProperties.Octopus.Action.Password\\u0000legacy',
          ElementIds: '["step-1"]',
        },
        {DocumentId: 'variableset-identity', Path: 'Variables[0].Value', ElementIds: '["v-a"]'},
        {DocumentId: 'variableset-identity', Path: 'Variables[1].Value', ElementIds: '["v-b"]'},
        {DocumentId: 'variableset-identity', Path: 'Variables[2].Value', ElementIds: '["v-t"]'},
      ])
    })

    it('refuses while a server node is running (5) and changes nothing; --ignoreLiveNodes goes on', async () => {
      await query(
        server.database.url,
        `INSERT INTO "OctopusServerNode" ("Id", "Name", "LastSeen", "IsInMaintenanceMode", "JSON")
         VALUES ('OctopusServerNodes-live', 'live', $1, $2, '{}')`,
        [new Date(), false],
      )
      try {
        const fingerprint = await databaseFingerprint(server.database.url)
        const refused = await restore(['--oldMasterKey', oldKey.toString('base64'), ...BACKED_UP])
        expect(refused.exitCode, refused.message).to.equal(5)
        expect(refused.message).to.match(/A server node is running against this database: live/)
        expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
        const dryRun = await restore(['--oldMasterKey', oldKey.toString('base64'), '--dryRun', '--ignoreLiveNodes'])
        expect(dryRun.exitCode, dryRun.message).to.equal(0)
        expect(dryRun.stdout).to.match(/Dry run: [\d,]+ values of run \S+ would be restored/)
        expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      } finally {
        await query(server.database.url, `DELETE FROM "OctopusServerNode" WHERE "Id" = 'OctopusServerNodes-live'`)
      }
    })

    it('refuses a wrong old key that opens one value by chance (12); the database stays byte-identical', async () => {
      const wrongKey = generateMasterKey()
      // A quarantined value the right key opens to its secret and the wrong key ALSO opens (padding and UTF-8).
      const lucky = luckyValue(oldKey, wrongKey, 'lucky', SEED + (engine === 'mssql' ? 1 : 0))
      const [feed] = await query<{Id: string}>(server.database.url, `SELECT "Id" FROM "Feed" ORDER BY "Id" LIMIT 1`)
      const [row] = await query<{RunId: string}>(
        server.database.url,
        `SELECT "RunId" FROM "LostMasterKeyQuarantine" LIMIT 1`,
      )
      const document = JSON.parse(await documentJson(server, 'Feed', feed.Id)) as Record<string, unknown>
      document.LuckyPassword = null
      await query(server.database.url, `UPDATE "Feed" SET "JSON" = $1 WHERE "Id" = $2`, [
        JSON.stringify(document),
        feed.Id,
      ])
      await query(
        server.database.url,
        `INSERT INTO "LostMasterKeyQuarantine"
           ("RunId", "TableName", "DocumentId", "Path", "Value", "QuarantinedAt", "Kind")
         VALUES ($1, 'Feed', $2, 'LuckyPassword', $3, $4, 'reset')`,
        [row.RunId, feed.Id, lucky, new Date()],
      )
      try {
        const fingerprint = await databaseFingerprint(server.database.url)
        const refused = await restore(['--oldMasterKey', wrongKey.toString('base64'), ...BACKED_UP])
        expect(refused.exitCode, refused.message).to.equal(12)
        expect(refused.message).to.match(/does not open this database: .*opens 1 of \d+ values: not enough to prove it/)
        expect(await databaseFingerprint(server.database.url)).to.equal(fingerprint)
      } finally {
        await query(server.database.url, `DELETE FROM "LostMasterKeyQuarantine" WHERE "Path" = 'LuckyPassword'`)
      }
    })

    it('the right key follows identity: no secret lands in another variable; the moved one gets its own', async () => {
      const run = await restore(['--oldMasterKey', oldKey.toString('base64'), ...BACKED_UP, '--json'])
      expect(run.exitCode, run.message).to.equal(0)
      const data = JSON.parse(run.stdout) as {
        committed: boolean
        tables: Array<{table: string; restored: number; missing: number; noLongerSensitive: number}>
        totals: {matchedByPosition: number; noLongerSensitive: number; missing: number}
      }
      expect(data.committed).to.equal(true)
      const variableSets = data.tables.find((t) => t.table === 'VariableSet')!
      expect(variableSets).to.include({missing: 1, noLongerSensitive: 1})
      expect(data.totals.matchedByPosition, 'the old row').to.equal(1)

      const set = JSON.parse(await documentJson(server, 'VariableSet', 'variableset-identity')) as {
        Variables: Variable[]
      }
      const value = (id: string) => set.Variables.find((v) => v.Id === id)!.Value
      expect(opened(value('v-b')), 'B, moved up, gets its own secret').to.equal('secret of B')
      expect(value('v-t'), 'T is no longer sensitive: nothing written').to.equal(null)
      expect(value('v-c'), 'C never had a secret').to.equal(null)
      // A's secret stays in the quarantine ("no longer there"), as does T's ("no longer sensitive").
      const kept = await query<{Path: string}>(
        server.database.url,
        `SELECT "Path" FROM "LostMasterKeyQuarantine" WHERE "DocumentId" = 'variableset-identity' ORDER BY "Path"`,
      )
      expect(kept.map((r) => r.Path)).to.deep.equal(['Variables[0].Value', 'Variables[2].Value'])
    })

    it('wrote the copy of a duplicated key that the server reads', async () => {
      const json = await documentJson(server, 'Account', 'accounts-duplicate')
      expect(json.startsWith('{"Name":"dup","AccountType":"UsernamePassword","Password":null,')).to.equal(true)
      expect(opened((JSON.parse(json) as {Password: string}).Password)).to.equal('secret of the account')
    })

    it('put the value under the NUL key back, and the old row back by position', async () => {
      const process = JSON.parse(await documentJson(server, 'DeploymentProcess', 'deploymentprocess-nul')) as {
        Steps: Array<{SensitiveProperties: Record<string, string>}>
      }
      expect(opened(process.Steps[0].SensitiveProperties[NUL_KEY])).to.equal('secret under NUL')
      const old = JSON.parse(await documentJson(server, 'VariableSet', 'variableset-old-row')) as {
        Variables: Variable[]
      }
      expect(opened(old.Variables[0].Value)).to.equal('secret of X')
    })

    it('shows no secret, and no key, in any output', () => {
      expect(outputs.length).to.be.greaterThan(3)
      const secrets = [
        'secret of',
        'secret under NUL',
        'lucky',
        oldKey.toString('base64'),
        currentKey.toString('base64'),
      ]
      for (const output of outputs) for (const secret of secrets) expect(output).to.not.include(secret)
    })
  })

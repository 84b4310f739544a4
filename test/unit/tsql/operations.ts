import type {DbContext} from '../../../src/database/context.js'
import {inTransaction} from '../../../src/database/in-transaction.js'
import {latestFullBackup} from '../../../src/database/operations/backup-history.js'
import {requireOpenJson} from '../../../src/database/operations/compatibility-level.js'
import {
  readConfigurationDocument,
  replaceConfigurationDocument,
} from '../../../src/database/operations/configuration-documents.js'
import {setDisabledById, setDisabledInRange} from '../../../src/database/operations/disabled-flags.js'
import {countDocuments, streamDocuments, writeDocuments} from '../../../src/database/operations/documents.js'
import {probeEvent} from '../../../src/database/operations/event-exists.js'
import {readDocumentsById} from '../../../src/database/operations/documents-by-id.js'
import {forgetAllRows, forgetDocuments} from '../../../src/database/operations/forget-rows.js'
import {insertEvent, latestEventJson} from '../../../src/database/operations/events.js'
import {insertDocuments} from '../../../src/database/operations/insert-documents.js'
import {tablesWithJsonColumn} from '../../../src/database/operations/json-tables.js'
import {
  ensureQuarantineTable,
  insertQuarantineRows,
  readQuarantine,
} from '../../../src/database/operations/quarantine.js'
import {deleteQuarantineRows} from '../../../src/database/operations/quarantine-delete.js'
import {quarantineRuns, streamQuarantine} from '../../../src/database/operations/quarantine-read.js'
import {withRecoveryLock} from '../../../src/database/operations/recovery-lock.js'
import {countRows} from '../../../src/database/operations/row-counts.js'
import {liveNodes} from '../../../src/database/operations/server-nodes.js'
import {tableExists} from '../../../src/database/operations/table-exists.js'
import {createSchema} from '../../../src/database/schema/create-schema.js'
import {checkLicense} from '../../../src/database/schema/license-check.js'
import {readJournal} from '../../../src/database/schema/schema-journal.js'
import {SCHEMA_SCRIPTS} from '../../../src/database/schema/schema-scripts.js'
import {schemaStatus} from '../../../src/database/schema/schema-status.js'
import {upgradeSchema} from '../../../src/database/schema/upgrade-schema.js'
import {CATALOG_TABLES, LICENSE_DOCUMENT, PERSONAL_CATALOG} from '../../../src/recovery/catalog/catalog.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import type {Capture, Responder} from './capturing-driver.js'
import {documentRows, LARGEST_BATCH} from './sample-rows.js'

/** One call of the database API, with the answers that walk it down its full path. */
export interface Operation {
  name: string
  run(ctx: DbContext, capture: Capture): Promise<unknown>
}

type Rows = Record<string, unknown>[]

/** Answers statements whose text matches a pattern; a function answer is asked anew each time. */
function answers(rules: Array<[RegExp, Rows | (() => Rows)]>): Responder {
  return ({sql}) => {
    const rule = rules.find(([pattern]) => pattern.test(sql))
    if (!rule) return []
    return typeof rule[1] === 'function' ? rule[1]() : rule[1]
  }
}

/** Answers in turn, then no rows: one full page, then the end of the table. */
function pages(...answersInTurn: Rows[]): () => Rows {
  let next = 0
  return () => answersInTurn[next++] ?? []
}

const TABLE_EXISTS = /OBJECT_ID/i
const exists = (found: boolean): [RegExp, Rows] => [TABLE_EXISTS, [{Found: found ? 1 : 0}]]
const journalOf = (count: number): [RegExp, Rows] => [
  /"SchemaVersions"/,
  SCHEMA_SCRIPTS.slice(0, count).map((s) => ({ScriptName: s.name})),
]
/** The Id column as sys.columns describes it: an nvarchar(210) in a case-insensitive collation. */
const ID_COLUMN: [RegExp, Rows] = [
  /collation_name/i,
  [{Collation: 'SQL_Latin1_General_CP1_CI_AS', Type: 'nvarchar', MaxLength: 420}],
]
const LICENSE = JSON.stringify({MaintenanceExpiresOn: '2099-12-31'})

/** Tables the recovery rewrites, with the columns it writes besides JSON. */
const REWRITTEN_TABLES: Array<{table: string; columns: readonly string[]}> = [
  ...CATALOG_TABLES.map((table) => ({table, columns: [] as readonly string[]})),
  ...PERSONAL_CATALOG.map(({table, columns}) => ({table, columns})),
]

function eachRewrittenTable(): Operation[] {
  return REWRITTEN_TABLES.flatMap(({table, columns}): Operation[] => [
    {
      name: `countDocuments ${table}`,
      run: (ctx, capture) => ((capture.respond = answers([[/count/i, [{Count: 0}]]])), countDocuments(ctx, table)),
    },
    {
      name: `streamDocuments ${table} (two pages of ${LARGEST_BATCH})`,
      async run(ctx, capture) {
        capture.respond = answers([[/select/i, pages(documentRows(table, columns), documentRows(table, columns, 10))]])
        let seen = 0
        for await (const batch of streamDocuments(ctx, table, {batchSize: LARGEST_BATCH, columns})) seen += batch.length
        if (seen !== LARGEST_BATCH + 10) throw new Error(`streamed ${seen} rows`)
      },
    },
    {
      name: `writeDocuments ${table} (${LARGEST_BATCH} rows, Ids read as the column's type and collation)`,
      run: (ctx, capture) => (
        (capture.respond = answers([ID_COLUMN, [/^\s*update/i, documentRows(table, columns)]])),
        writeDocuments(ctx, table, ['JSON', ...columns], documentRows(table, columns))
      ),
    },
    {
      name: `writeDocuments ${table} (a row not reached: the Ids that matched none, then the refusal)`,
      async run(ctx, capture) {
        const rows = documentRows(table, columns)
        capture.respond = answers([ID_COLUMN, [/^\s*update/i, rows.slice(1)], [/not exists/i, [{Id: rows[0].Id}]]])
        const refused = await writeDocuments(ctx, table, ['JSON', ...columns], rows).catch((error: unknown) => error)
        if (!(refused instanceof RecoveryError)) throw new Error('a write that missed a row was not refused')
      },
    },
    {
      name: `insertDocuments ${table} (${LARGEST_BATCH} rows)`,
      run: (ctx) => insertDocuments(ctx, table, ['Id', 'JSON', ...columns], documentRows(table, columns)),
    },
  ])
}

export const OPERATIONS: readonly Operation[] = [
  ...SCHEMA_SCRIPTS.map((script): Operation => ({
    name: `schema script ${script.name}`,
    run: (ctx) => script.apply(ctx),
  })),
  {
    name: 'createSchema (empty database)',
    run: (ctx, capture) => ((capture.respond = answers([exists(false)])), createSchema(ctx)),
  },
  {
    name: 'countRows (every catalog table, one UNION ALL)',
    run: (ctx, capture) => (
      (capture.respond = answers([[/COUNT_BIG/i, CATALOG_TABLES.map((t) => ({TableName: t, Count: '3'}))]])),
      countRows(ctx, CATALOG_TABLES)
    ),
  },
  {
    name: 'tablesWithJsonColumn',
    run: (ctx, capture) => (
      (capture.respond = answers([[/INFORMATION_SCHEMA/, [{Table: 'Feed', HasId: 1}]]])),
      tablesWithJsonColumn(ctx)
    ),
  },
  {name: 'tableExists', run: (ctx, capture) => ((capture.respond = answers([exists(true)])), tableExists(ctx, 'Feed'))},
  {
    name: 'readJournal',
    run: (ctx, capture) => ((capture.respond = answers([exists(true), journalOf(3)])), readJournal(ctx)),
  },
  {
    name: 'schemaStatus',
    run: (ctx, capture) => ((capture.respond = answers([exists(true), journalOf(2)])), schemaStatus(ctx)),
  },
  {
    name: 'upgradeSchema --skipLicenseCheck (from script 1)',
    run: (ctx, capture) => (
      (capture.respond = answers([exists(true), journalOf(1)])),
      upgradeSchema(ctx, {skipLicenseCheck: true, license: LICENSE_DOCUMENT})
    ),
  },
  {
    name: 'upgradeSchema with the licence check (from script 1)',
    run: (ctx, capture) => (
      (capture.respond = answers([exists(true), journalOf(1), [/"Configuration"/, [{JSON: LICENSE}]]])),
      upgradeSchema(ctx, {skipLicenseCheck: false, license: LICENSE_DOCUMENT})
    ),
  },
  {
    name: 'checkLicense',
    run: (ctx, capture) => (
      (capture.respond = answers([[/"Configuration"/, [{JSON: LICENSE}]]])),
      checkLicense(ctx, LICENSE_DOCUMENT, SCHEMA_SCRIPTS)
    ),
  },
  {name: 'readConfigurationDocument', run: (ctx) => readConfigurationDocument(ctx, LICENSE_DOCUMENT.id)},
  {
    name: 'replaceConfigurationDocument (absent: update, then insert)',
    run: (ctx) => replaceConfigurationDocument(ctx, 'smtp', '{"SmtpPassword":null}'),
  },
  ...eachRewrittenTable(),
  {
    name: 'insertDocuments OctopusServerNode (dates and booleans)',
    run: (ctx) =>
      insertDocuments(
        ctx,
        'OctopusServerNode',
        ['Id', 'JSON', 'Name', 'LastSeen', 'IsInMaintenanceMode'],
        Array.from({length: LARGEST_BATCH}, (_, i) => ({
          Id: `OctopusServerNodes-${i}`,
          JSON: '{}',
          Name: `node-${i}`,
          LastSeen: new Date(),
          IsInMaintenanceMode: i % 2 === 0,
        })),
      ),
  },
  {name: 'liveNodes', run: (ctx) => liveNodes(ctx)},
  {
    name: `setDisabledById Machine (${LARGEST_BATCH} Ids)`,
    run: (ctx) =>
      setDisabledById(
        ctx,
        'Machine',
        Array.from({length: LARGEST_BATCH}, (_, i) => `Machines-${i}`),
      ),
  },
  {name: 'setDisabledInRange Worker', run: (ctx) => setDisabledInRange(ctx, 'Worker', 'Workers-1', 'Workers-99')},
  {name: 'forgetAllRows OctopusServerNode', run: (ctx) => forgetAllRows(ctx, 'OctopusServerNode', true)},
  {
    name: 'forgetAllRows OctopusServerNodeStatus (dry run: counted)',
    run: (ctx, capture) => (
      (capture.respond = answers([[/count/i, [{Count: 2}]]])),
      forgetAllRows(ctx, 'OctopusServerNodeStatus', false)
    ),
  },
  {
    name: 'forgetDocuments Configuration (found, then deleted)',
    run: (ctx, capture) => (
      (capture.respond = answers([[/select/i, [{Id: 'issuetracker-jira'}]]])),
      forgetDocuments(ctx, 'Configuration', ['authentication-octopusid', 'issuetracker-jira'], true)
    ),
  },
  {
    name: 'requireOpenJson',
    run: (ctx, capture) => (
      (capture.respond = answers([[/compatibility_level/i, [{Name: 'Octopus', Level: 130}]]])),
      requireOpenJson(ctx)
    ),
  },
  {
    name: 'latestFullBackup',
    run: (ctx, capture) => (
      (capture.respond = answers([
        [/HAS_PERMS_BY_NAME/i, [{CanRead: 1}]],
        [/backupset/i, [{FinishedAt: new Date()}]],
      ])),
      latestFullBackup(ctx, 'Octopus')
    ),
  },
  {
    name: 'withRecoveryLock (granted; a transaction inside)',
    run: (ctx, capture) => (
      (capture.respond = answers([
        [/sp_getapplock/i, [{Result: 0}]],
        [/count/i, [{Count: 0}]],
      ])),
      withRecoveryLock(ctx, (locked) => inTransaction(locked, (trx) => countDocuments(trx, 'Feed')))
    ),
  },
  {
    name: 'withRecoveryLock (held elsewhere)',
    async run(ctx, capture) {
      capture.respond = answers([[/sp_getapplock/i, [{Result: -1}]]])
      const refused = await withRecoveryLock(ctx, async () => 'ran').catch((error: unknown) => error)
      if (!(refused instanceof RecoveryError)) throw new Error('the lock was not refused')
    },
  },
  {name: 'latestEventJson', run: (ctx) => latestEventJson(ctx, 'MasterKeyReset')},
  {
    name: 'probeEvent (a lock timeout for the read, set back after it)',
    run: (ctx, capture) => (
      (capture.respond = answers([[/"Event"/, [{Id: 'Events-1'}]]])),
      probeEvent(ctx, 'Events-1', 9500)
    ),
  },
  {
    name: 'insertEvent',
    run: (ctx) =>
      insertEvent(ctx, {
        Id: 'Events-1',
        Occurred: new Date(),
        Category: 'MasterKeyReset',
        UserId: null,
        Username: 'lost-master-key',
        IpAddress: null,
        Message: 'The master key was replaced; 12 sensitive values were reset.',
        JSON: '{}',
      }),
  },
  {
    name: 'ensureQuarantineTable (missing)',
    run: (ctx, capture) => ((capture.respond = answers([exists(false)])), ensureQuarantineTable(ctx)),
  },
  {
    name: 'ensureQuarantineTable (from before identities: adds Kind, ElementIds, Written)',
    run: (ctx, capture) => (
      (capture.respond = answers([[/sys\.columns/i, [{Name: 'runid'}, {Name: 'path'}]], exists(true)])),
      ensureQuarantineTable(ctx)
    ),
  },
  {
    name: `readDocumentsById for update (${LARGEST_BATCH} Ids, row locks)`,
    run: (ctx) =>
      readDocumentsById(
        ctx,
        'VariableSet',
        Array.from({length: LARGEST_BATCH}, (_, i) => `VariableSets-${i}`),
        {forUpdate: true},
      ),
  },
  {
    name: `insertQuarantineRows (${LARGEST_BATCH} rows)`,
    run: (ctx) =>
      insertQuarantineRows(
        ctx,
        documentRows('VariableSet', []).map((row, i) => ({
          runId: 'run-1',
          tableName: 'VariableSet',
          documentId: row.Id,
          path: `Variables[${i % 5}].Value`,
          value: row.JSON!,
          kind: 'reset' as const,
          elementIds: i % 2 === 0 ? JSON.stringify([`v-${i}`]) : undefined,
        })),
      ),
  },
  {name: 'readQuarantine', run: (ctx) => readQuarantine(ctx, 'run-1')},
  {
    name: 'quarantineRuns',
    run: (ctx, capture) => (
      (capture.respond = answers([
        [/sys\.columns/i, [{Name: 'Kind'}]],
        exists(true),
        [/select/i, [{RunId: 'run-1', Count: 3, At: new Date()}]],
      ])),
      quarantineRuns(ctx)
    ),
  },
  {
    name: `streamQuarantine (a full page of ${LARGEST_BATCH}, its last document again, then the rest after it)`,
    async run(ctx, capture) {
      const entries = (from: number, count: number) =>
        Array.from({length: count}, (_, i) => ({
          TableName: 'VariableSet',
          DocumentId: `VariableSets-${from + i}`,
          Path: 'Variables[0].Value',
          Value: 'x',
        }))
      capture.respond = answers([
        [/select/i, pages(entries(0, LARGEST_BATCH), entries(LARGEST_BATCH - 1, 1), entries(LARGEST_BATCH, 3))],
      ])
      let seen = 0
      for await (const batch of streamQuarantine(ctx, 'run-1', LARGEST_BATCH)) seen += batch.length
      if (seen !== LARGEST_BATCH + 3) throw new Error(`streamed ${seen} rows`)
    },
  },
  {
    name: `deleteQuarantineRows (${LARGEST_BATCH} keys, one OPENJSON parameter)`,
    run: (ctx) =>
      deleteQuarantineRows(
        ctx,
        'run-1',
        'VariableSet',
        Array.from({length: LARGEST_BATCH}, (_, i) => ({
          documentId: `VariableSets-${i}`,
          path: `Variables[${i % 5}].Value`,
        })),
      ),
  },
]

import type {ColumnDefinitionBuilder, CreateTableBuilder} from 'kysely'

import type {DbContext} from '../context.js'
import type {ColumnTypes} from '../dialects/sql-dialect.js'
import {DISABLED_COLUMN} from '../operations/disabled-flags.js'
import {copyDisabledFlags} from './copy-disabled-flags.js'

/**
 * One upgrade script of the reference schema (docs/server-formats.md, "Schema journal and licence"), DbUp style:
 * applied once, in order, and named in the `SchemaVersions` journal. `releasedOn` is the date of the server release
 * that introduced it; the licence
 * check compares it with the licence's maintenance expiry (docs/server-formats.md, "Schema journal and licence").
 */
export interface SchemaScript {
  readonly name: string
  readonly releasedOn: string
  apply(ctx: DbContext): Promise<void>
}

export const JOURNAL_TABLE = 'SchemaVersions'

type TableBuilder = CreateTableBuilder<string, string>

/** A document table: a text `Id` primary key, the `JSON` document, then its queryable columns. */
async function createDocumentTable(
  ctx: DbContext,
  table: string,
  columns: (builder: TableBuilder, types: ColumnTypes) => TableBuilder = (builder) => builder,
): Promise<void> {
  const types = ctx.dialect.columnTypes
  const base = ctx.db.schema
    .createTable(table)
    .addColumn('Id', types.id, (col) => col.primaryKey())
    .addColumn('JSON', types.text)
  await columns(base, types).execute()
}

async function createJournal(ctx: DbContext): Promise<void> {
  const types = ctx.dialect.columnTypes
  await ctx.db.schema
    .createTable(JOURNAL_TABLE)
    .addColumn('Id', types.integer, (col) => ctx.dialect.identity(col).primaryKey())
    .addColumn('ScriptName', types.name, (col) => col.notNull())
    .addColumn('Applied', types.timestamp, (col) => col.notNull())
    .execute()
}

const documentStore: SchemaScript = {
  name: '0001-document-store',
  releasedOn: '2018-03-06',
  async apply(ctx) {
    await createJournal(ctx)
    await createDocumentTable(ctx, 'Configuration')
    await createDocumentTable(ctx, 'OctopusServerNode', (t, types) =>
      t
        .addColumn('Name', types.name, (col) => col.notNull())
        .addColumn('LastSeen', types.timestamp, (col) => col.notNull())
        .addColumn('IsInMaintenanceMode', types.boolean, (col) => col.notNull()),
    )
    await createDocumentTable(ctx, 'VariableSet', (t, types) => t.addColumn('OwnerId', types.name))
    await createDocumentTable(ctx, 'Account', (t, types) =>
      t
        .addColumn('Name', types.name, (col) => col.notNull())
        .addColumn('AccountType', types.name, (col) => col.notNull()),
    )
    await createDocumentTable(ctx, 'Feed', (t, types) => t.addColumn('Name', types.name, (col) => col.notNull()))
    await createDocumentTable(ctx, 'Machine', (t, types) => t.addColumn('Name', types.name, (col) => col.notNull()))
    await createDocumentTable(ctx, 'User', (t, types) =>
      t
        .addColumn('Username', types.name, (col) => col.notNull())
        .addColumn('DisplayName', types.name)
        .addColumn('EmailAddress', types.name),
    )
    await createDocumentTable(ctx, 'Event', (t, types) =>
      t
        .addColumn('Occurred', types.timestamp, (col) => col.notNull())
        .addColumn('Category', types.name, (col) => col.notNull())
        .addColumn('UserId', types.id)
        .addColumn('Username', types.name)
        .addColumn('Message', types.text),
    )
  },
}

const deploymentsAndCertificates: SchemaScript = {
  name: '0002-deployment-processes-and-certificates',
  releasedOn: '2020-06-15',
  async apply(ctx) {
    await createDocumentTable(ctx, 'DeploymentProcess', (t, types) => t.addColumn('ProjectId', types.id))
    await createDocumentTable(ctx, 'ActionTemplate', (t, types) =>
      t.addColumn('Name', types.name, (col) => col.notNull()),
    )
    await createDocumentTable(ctx, 'Certificate', (t, types) => t.addColumn('Name', types.name, (col) => col.notNull()))
  },
}

const tenantsAndAuditAddresses: SchemaScript = {
  name: '0003-tenant-variables-and-event-addresses',
  releasedOn: '2023-09-04',
  async apply(ctx) {
    const types = ctx.dialect.columnTypes
    await createDocumentTable(ctx, 'TenantVariable', (t) => t.addColumn('TenantId', types.id))
    await ctx.db.schema.alterTable('Event').addColumn('IpAddress', types.name).execute()
    await ctx.db.schema.createIndex('IX_Event_Occurred').on('Event').column('Occurred').execute()
    await ctx.db.schema.createIndex('IX_User_Username').on('User').column('Username').execute()
    await ctx.db.schema.createIndex('IX_VariableSet_OwnerId').on('VariableSet').column('OwnerId').execute()
    await ctx.db.schema.createIndex('IX_TenantVariable_TenantId').on('TenantVariable').column('TenantId').execute()
  },
}

/** Tables whose only queryable column is `Name`. */
const NAMED_TABLES = ['Worker', 'Proxy', 'GitCredential', 'Project', 'LibraryVariableSet', 'Subscription'] as const

/**
 * The rest of the tables that hold secrets (docs/catalog.md): workers, proxies, Git credentials, projects and runbooks.
 */
const workersProjectsAndCredentials: SchemaScript = {
  name: '0004-workers-projects-and-credentials',
  releasedOn: '2024-10-01',
  async apply(ctx) {
    for (const table of NAMED_TABLES) {
      await createDocumentTable(ctx, table, (t, types) => t.addColumn('Name', types.name, (col) => col.notNull()))
    }
    await createDocumentTable(ctx, 'RunbookProcess', (t, types) => t.addColumn('ProjectId', types.id))
  },
}

/** Tables that gain an `IsDisabled` column mirroring their documents' property. */
const DISABLEABLE_TABLES = ['Subscription', 'Machine', 'Worker'] as const

/**
 * What a sanitized copy switches off (docs/server-formats.md, "A sanitized copy"): project triggers get a table, and
 * subscriptions, deployment targets and workers an `IsDisabled` column (false by default, then the documents' own
 * `IsDisabled` copied in). `OctopusServerNodeStatus` is left as it is: a server may or may not have it.
 */
const triggersAndDisabledFlags: SchemaScript = {
  name: '0005-project-triggers-and-disabled-flags',
  releasedOn: '2026-12-07',
  async apply(ctx) {
    const types = ctx.dialect.columnTypes
    const falseByDefault = (col: ColumnDefinitionBuilder) => col.notNull().defaultTo(ctx.dialect.falseLiteral)
    await createDocumentTable(ctx, 'ProjectTrigger', (t) =>
      t.addColumn('ProjectId', types.id).addColumn(DISABLED_COLUMN, types.boolean, falseByDefault),
    )
    for (const table of DISABLEABLE_TABLES) {
      await ctx.db.schema.alterTable(table).addColumn(DISABLED_COLUMN, types.boolean, falseByDefault).execute()
      await copyDisabledFlags(ctx, table)
    }
  },
}

/** Every script, oldest first; all of them together produce the current schema. */
export const SCHEMA_SCRIPTS: readonly SchemaScript[] = [
  documentStore,
  deploymentsAndCertificates,
  tenantsAndAuditAddresses,
  workersProjectsAndCredentials,
  triggersAndDisabledFlags,
]

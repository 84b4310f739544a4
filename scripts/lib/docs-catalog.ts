import {PERSONAL_CATALOG, SENSITIVE_CATALOG, type SensitiveField} from '../../src/recovery/catalog/catalog.js'
import {
  DISABLED_TABLES,
  FORGOTTEN_DOCUMENTS,
  SERVER_NODE_STATUS_TABLE,
  SERVER_NODE_TABLE,
} from '../../src/recovery/catalog/isolation.js'
import {markedBlock} from './marked-block.js'

/** docs/catalog.md's generated tables sit in this block; `npm run readme` rewrites it. */
export const CATALOG_BLOCK = markedBlock('catalog')
export const CATALOG_DOC = 'docs/catalog.md'

const code = (text: string) => `\`${text.replaceAll('|', '\\|')}\``

function condition(field: SensitiveField): string {
  const parts = Object.entries(field.when ?? {}).map(([key, value]) => `${code(key)} = ${code(JSON.stringify(value))}`)
  if (field.documentId !== undefined) parts.unshift(`document ${code(field.documentId)}`)
  return parts.join(', ') || 'always'
}

const name = (field: SensitiveField) =>
  [field.label && code(field.label), field.title].filter((part) => part !== undefined).join(' or ') || '—'

/** The catalog's tables as Markdown, generated from src/recovery/catalog/catalog.ts. */
export function catalogLines(): string[] {
  const sensitive = SENSITIVE_CATALOG.flatMap(({table, noun, fields}) =>
    fields.map(
      (field) => `| ${table} (${noun}) | ${code(field.path)} | ${condition(field)} | ${name(field)} | ${field.kind} |`,
    ),
  )
  const personal = PERSONAL_CATALOG.map(
    ({table, columns, readColumns, treatment}) =>
      `| ${table} | ${columns.map(code).join(', ')} | ${readColumns.map(code).join(', ') || '—'} | ${treatment} |`,
  )
  return [
    'Sensitive values (reset, quarantined, or salvaged with a candidate key):',
    '',
    '| table | path | when | human name | kind |',
    '|---|---|---|---|---|',
    ...sensitive,
    '',
    'Personal data (`--scrubPii`):',
    '',
    '| table | columns rewritten | columns read | what becomes of them |',
    '|---|---|---|---|',
    ...personal,
    '',
    'A sanitized copy (`--isolateCopy`):',
    '',
    '| table | what becomes of it |',
    '|---|---|',
    ...DISABLED_TABLES.map(
      ({table, noun}) => `| ${table} | every ${noun}: ${code('IsDisabled')} true, in the column and in the JSON |`,
    ),
    `| ${SERVER_NODE_TABLE} | every row deleted |`,
    `| ${SERVER_NODE_STATUS_TABLE} | every row deleted, where the table exists |`,
    ...FORGOTTEN_DOCUMENTS.map(({table, id, title}) => `| ${table} | document ${code(id)} (${title}) deleted |`),
  ]
}

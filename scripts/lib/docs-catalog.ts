import {PERSONAL_CATALOG, SENSITIVE_CATALOG, type SensitiveField} from '../../src/recovery/catalog/catalog.js'
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
  ]
}

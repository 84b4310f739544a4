import type pg from 'pg'

/** Statement names by text, for this process's one connection. */
const names = new Map<string, string>()

/**
 * `text` with its `values`, under a name drawn from the text: node-postgres prepares a named statement once per
 * connection, then only binds and runs it, as the tool's dialect does (src/database/dialects/postgres/
 * postgres-dialect.ts). A floor that PostgreSQL parsed and planned anew for every batch would flatter the tool.
 */
export function named(text: string, values: readonly unknown[]): pg.QueryConfig {
  let name = names.get(text)
  if (name === undefined) names.set(text, (name = `floor_${names.size}`))
  return {name, text, values: values as unknown[]}
}

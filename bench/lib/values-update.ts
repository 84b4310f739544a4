/**
 * `UPDATE table AS t SET c = v.c, ... FROM (VALUES ($1::text, ...), ...) AS v("Id", c, ...) WHERE t."Id" = v."Id"` for
 * `count` rows of (Id, ...columns): one text parameter per value, the fastest shape measured on PostgreSQL (see
 * src/database/operations/documents.ts), and the tool's own.
 */
export function valuesUpdate(table: string, columns: readonly string[], count: number): string {
  const width = columns.length + 1
  const tuples = Array.from(
    {length: count},
    (_, row) => `(${Array.from({length: width}, (_, i) => `$${row * width + i + 1}::text`).join(', ')})`,
  )
  const assignments = columns.map((c) => `"${c}" = v."${c}"`).join(', ')
  const names = ['Id', ...columns].map((c) => `"${c}"`).join(', ')
  return (
    `UPDATE "${table}" AS t SET ${assignments} FROM (VALUES ${tuples.join(', ')}) AS v(${names}) WHERE t."Id" ` +
    `= v."Id"`
  )
}

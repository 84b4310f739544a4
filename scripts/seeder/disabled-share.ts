/**
 * Which documents of a table the seeder makes disabled already: about one in nine, the second document of a table
 * among them (so even the smallest table has one), as on a server whose operators switch off a few old targets,
 * workers, triggers and subscriptions. Decided by the index, not drawn from the document's random stream, so the rest
 * of every document stays what the same seed always made.
 */
export function seededDisabled(index: number): boolean {
  return index % 9 === 1
}

/** A quoted identifier, for statement texts put together without Kysely's builder. */
export const quoted = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`

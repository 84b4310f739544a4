// oclif loads a plugin's TypeScript sources (not a stale dist/) only when NODE_ENV is "test" or "development".
process.env.NODE_ENV ??= 'test'

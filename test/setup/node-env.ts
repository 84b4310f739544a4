// oclif loads a plugin's TypeScript sources (not a stale dist/) only when NODE_ENV is "test" or "development".
process.env.NODE_ENV ??= 'test'
// No test may read or create this machine's real key sources (/etc/machine-id, /etc/octopus/machinekey): a test that
// forgets to point the plugin at its own finds no machine id and cannot create a machinekey file.
process.env.OCTOPUS_MACHINE_ID_FILE ??= '/nonexistent/lost-master-key-tests/machine-id'
process.env.OCTOPUS_MACHINE_KEY_FILE ??= '/nonexistent/lost-master-key-tests/machinekey'

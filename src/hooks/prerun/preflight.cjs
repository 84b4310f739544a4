// @ts-check
'use strict'

/**
 * The prerun hook: oclif runs it before every command of the host CLI, so it is one small CommonJS file (a require()
 * of it costs a host's other commands less than an import() of an ES module would), and it returns at once for
 * commands without checks. The checks, ES modules, are imported only for the command they are for.
 *
 * @typedef {(argv: string[], json: boolean) => Promise<Error | undefined>} Preflight
 * @type {Map<string, () => Promise<Preflight>>}
 */
const PREFLIGHTS = new Map([
  // Both confirmations, the output paths, then evidence of a recent backup of this very database.
  [
    'server:lost-master-key',
    async () => (await import('../../cli/lost-master-key-preflight.js')).lostMasterKeyPreflight,
  ],
])

/** @type {import('@oclif/core').Hook.Prerun} */
module.exports = async function preflight(options) {
  const load = PREFLIGHTS.get(options.Command.id)
  if (!load) return
  const json = options.argv.includes('--json')
  const failure = await (await load())(options.argv, json)
  if (!failure) return
  const {errorJson, toCliError} = await import('../../cli/error-output.js')
  const error = toCliError(failure)
  if (json) {
    // As the command does under --json: the error on stdout, nothing on stderr.
    this.log(JSON.stringify(errorJson(error), null, 2))
    error.skipOclifErrorHandling = true
  }
  throw error
}

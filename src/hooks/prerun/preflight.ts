import type {Hook} from '@oclif/core'

/**
 * The commands checked before they run, each with its checks. Every other command of the host CLI returns at
 * once, and this module imports nothing heavy: the checks are loaded only for the command they are for.
 */
type Preflight = (argv: string[], json: boolean) => Promise<Error | undefined>

const PREFLIGHTS = new Map<string, () => Promise<Preflight>>([
  // Both confirmations, then evidence of a recent backup of this very database (exit 3 without them).
  [
    'server:lost-master-key',
    async () => (await import('../../cli/lost-master-key-preflight.js')).lostMasterKeyPreflight,
  ],
])

const hook: Hook.Prerun = async function (options) {
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

export default hook

import type {Hook} from '@oclif/core'

const OUR_COMMAND = 'server:lost-master-key'

/**
 * Before `server:lost-master-key` changes anything: both confirmations, then evidence of a recent backup of
 * this very database (exit 3 without them). Every other command of the host CLI returns at once, and this
 * module imports nothing heavy: the checks are loaded only for our command.
 */
const hook: Hook.Prerun = async function (options) {
  if (options.Command.id !== OUR_COMMAND) return
  const {preflight} = await import('../../recovery/preflight.js')
  const failure = await preflight(options.Command, options.argv)
  if (!failure) return
  if (options.argv.includes('--json')) {
    this.log(JSON.stringify({error: {code: `EXIT_${failure.exitCode}`, exit: failure.exitCode, message: failure.message, suggestions: failure.suggestions}}, null, 2))
  }
  this.error([failure.message, ...failure.suggestions.map((s) => `Try: ${s}`)].join('\n'), {exit: failure.exitCode})
}

export default hook

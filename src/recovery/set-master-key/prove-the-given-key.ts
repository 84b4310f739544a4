import {ExitCode} from '../../exit-codes.js'
import {RecoveryError} from '../../recovery-error.js'
import {need} from '../flow/need.js'
import {connectToConfigDatabase} from '../flow/open-the-config.js'
import {proveKeyOnDatabase} from '../key-proof/prove-key-on-database.js'
import type {Step} from '../flow/step.js'
import {describeKeyTest} from '../key-proof/test-the-key.js'
import type {SetState} from './set-state.js'

const SKIP_SUGGESTION =
  'If this node cannot reach the database, pass --skipDatabaseCheck: the key is then sealed without proof.'

/** A database that cannot be reached is a refusal (exit 7) that names the way round it. */
async function connect(state: SetState) {
  try {
    return await connectToConfigDatabase(need(state.config, 'the config file'))
  } catch (error) {
    if (!(error instanceof RecoveryError)) throw error
    throw new RecoveryError(`${error.message.replace(/\.?$/, '.')} The config was not changed.`, error.exitCode, [
      ...error.suggestions,
      SKIP_SUGGESTION,
    ])
  }
}

/**
 * Octopus seals whatever key it is given, and a typo takes a node down; here the key must be proven on the
 * database first, by the one standard (docs/recovery.md, "The proof of a key"): the server certificate, else enough
 * sampled values that a wrong key could not have opened them by chance. Otherwise exit 12, nothing written.
 */
export const proveTheGivenKey: Step<SetState> = {
  title: 'Prove the key on the database',
  skip: (state) => (state.options.skipDatabaseCheck ? 'skipped (--skipDatabaseCheck)' : undefined),
  async run(state) {
    state.database = await connect(state)
    const verdict = await proveKeyOnDatabase(state.database, state.key, state.whence)
    state.proof = verdict
    if (verdict.proof !== 'proven') {
      throw new RecoveryError(
        `The master key given does not open this database (${state.database.description}): ` +
          `${describeKeyTest(verdict)}. The config was not changed.`,
        ExitCode.KeyDoesNotOpen,
        [
          "Give this server's key: server:show-master-key prints it on a node where it works, and " +
            'server:lost-master-key is the way when no copy of it exists.',
          SKIP_SUGGESTION,
        ],
      )
    }
    return describeKeyTest(verdict)
  },
}
